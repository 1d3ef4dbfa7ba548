package dev.kelp.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PatchFileTest {

    @Test
    void readsGitFormatPatchWithNewAndDeletedFilesAndDashDashLines() {
        List<String> lines = List.of(
                "From 1234 Mon Sep 17 00:00:00 2001", "Subject: [PATCH] x", "---", " a.c | 2 +-", "",
                "diff --git a/fs/a.c b/fs/a.c", "index 1..2 100644", "--- a/fs/a.c", "+++ b/fs/a.c",
                "@@ -1,3 +1,3 @@", " ctx", "--- removed line that looks like a header", "+++ added line too", " ctx",
                "diff --git a/include/new.h b/include/new.h", "new file mode 100644", "--- /dev/null", "+++ b/include/new.h",
                "@@ -0,0 +1 @@", "+#define X", "--- a/old.c\t2024-01-01", "+++ /dev/null", "@@ -1 +0,0 @@", "-gone",
                "\\ No newline at end of file", "-- ", "2.39.2");
        PatchFile p = PatchFile.parse(Path.of("x.patch"), lines);
        assertThat(p.files()).containsExactly(new PatchFile.FileChange("fs/a.c", false, false, 1),
                new PatchFile.FileChange("include/new.h", true, false, 1),
                new PatchFile.FileChange("old.c", false, true, 1));
    }

    /** Every e2e case parses and says what proves it: a probe exactly when kelp build must build it. */
    @Test
    void everyE2eCaseParsesAndHasAProbeExactlyWhenBuildable() {
        assertThat(E2eCase.all()).isNotEmpty();
        for (E2eCase c : E2eCase.all()) {
            assertThat(PatchFile.read(c.patch()).files()).as(c.name()).isNotEmpty();
            assertThat(c.expect()).as(c.name() + ": expect").isIn(0, 2, 3);
            assertThat(c.probe().isBlank()).as(c.name() + ": a buildable case has a probe").isEqualTo(c.expect() != 0);
        }
    }

    @Test
    void notADiffIsNamed() {
        assertThatThrownBy(() -> PatchFile.parse(Path.of("notes.txt"), List.of("hello")))
                .hasMessage("notes.txt: not a unified diff (no '--- a/…' / '+++ b/…' file header found)");
        assertThatThrownBy(() -> PatchFile.parse(Path.of("t.patch"), List.of("--- a/x.c", "+++ b/x.c", "@@ -1,2 +1,2 @@", " a")))
                .hasMessage("t.patch:3: hunk ends early (expected 2 old and 2 new lines): is the patch truncated or edited by hand?");
    }
}
