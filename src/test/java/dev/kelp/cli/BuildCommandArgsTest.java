package dev.kelp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelp.util.KelpException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code kelp build}'s command line: a bad one is one error line with exit 1 (exit 2 means an
 * unsupported change), and the help lists the exit codes.
 */
class BuildCommandArgsTest {

    private record Parsed(int code, String err, String out) {
    }

    private static Parsed parse(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(out, true));
        int code = cl.execute(args);
        return new Parsed(code, err.toString(), out.toString());
    }

    @Test
    void aMissingRequiredOptionIsOneLineWithExit1() {
        Parsed p = parse("build");
        assertThat(p.code()).isEqualTo(KelpException.ERROR);
        assertThat(p.err()).isEqualTo("kelp: Missing required option: '--patch=FILE' (see 'kelp build --help')"
                + System.lineSeparator());
    }

    @Test
    void aBadOptionValueIsOneLineWithExit1() {
        Parsed p = parse("build", "--patch", "x.patch", "--jobs", "many");
        assertThat(p.code()).isEqualTo(KelpException.ERROR);
        assertThat(p.err().strip()).isEqualTo("kelp: Invalid value for option '--jobs': 'many' is not an int (see 'kelp build --help')");
    }

    @Test
    void helpListsTheExitCodes() {
        Parsed p = parse("build", "--help");
        assertThat(p.code()).isZero();
        assertThat(p.out()).contains("Exit codes:").containsPattern("0 +built")
                .containsPattern("1 +error \\(no module written\\)")
                .containsPattern("2 +unsupported change, every problem listed")
                .containsPattern("3 +no functional change");
    }

    private static BuildCommand command(Path patch) {
        BuildCommand c = new BuildCommand();
        c.patches.add(patch);
        return c;
    }

    @Test
    void aDirectoryGivenAsPatchIsNamed(@TempDir Path dir) {
        assertThatThrownBy(() -> command(dir).call()).isInstanceOf(KelpException.class)
                .hasMessage(dir + ": is a directory; --patch takes a patch file");
    }

    @Test
    void anEmptyKernelReleaseIsRefused(@TempDir Path dir) throws Exception {
        BuildCommand c = command(java.nio.file.Files.writeString(dir.resolve("fix.patch"), "x"));
        c.kernel = " ";
        assertThatThrownBy(c::call).isInstanceOf(KelpException.class)
                .hasMessage("--kernel needs a release, e.g. the name of a directory in /lib/modules");
    }

    @Test
    void zeroJobsIsRefused(@TempDir Path dir) throws Exception {
        BuildCommand c = command(java.nio.file.Files.writeString(dir.resolve("fix.patch"), "x"));
        c.jobs = 0;
        assertThatThrownBy(c::call).isInstanceOf(KelpException.class).hasMessage("--jobs must be at least 1, got 0");
    }
}
