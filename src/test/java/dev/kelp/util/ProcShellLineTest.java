package dev.kelp.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** --verbose prints commands that a shell runs as they ran: checked by running the line with sh. */
class ProcShellLineTest {

    @Test
    void wordsWithSpacesAndQuotesSurviveTheShell() {
        List<String> command = List.of("printf", "%s|", "KCFLAGS=-ffunction-sections -fdata-sections -I/x y", "it's", "",
                "plain-word_1.o", "$HOME", "a;b");
        String line = Proc.shellLine(command);
        assertThat(line).startsWith("printf '%s|' 'KCFLAGS=-ffunction-sections -fdata-sections -I/x y' ")
                .contains(" plain-word_1.o ");
        Proc.Result r = Proc.of("sh", "-c", line).check("running the printed line");
        assertThat(r.stdout()).isEqualTo(String.join("|", command.subList(2, command.size())) + "|");
    }
}
