package dev.kelp.cli;

import static dev.kelp.cli.CliRun.kelp;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kelp build} through the CLI on the installed Debian kernel and its source package: the
 * refusals that come before any compile, each one line with the right exit code and no module.
 * (Built patches are covered by dev.kelp.build.KelpBuildE2ETest.)
 */
class BuildCommandTest {
    @TempDir
    Path dir;

    private Path patch(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void aMissingPatchIsOneErrorLine() {
        CliRun r = kelp("build", "--patch", dir.resolve("nope.patch").toString(), "-o", dir.resolve("x.ko").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("kelp: " + dir.resolve("nope.patch") + ": no such patch file");
    }

    @Test
    void aHunkThatDoesNotApplyIsShown() throws IOException {
        Path p = patch("stale.patch", """
                --- a/fs/proc/cmdline.c
                +++ b/fs/proc/cmdline.c
                @@ -7,7 +7,7 @@
                 static int cmdline_proc_show(struct seq_file *m, void *v)
                 {
                -	seq_puts(m, this_line_is_not_in_the_kernel);
                +	seq_puts(m, "kelp");
                 	seq_putc(m, '\\n');
                 	return 0;
                 }
                \s
                """);
        Path ko = dir.resolve("stale.ko");
        CliRun r = kelp("build", "--patch", p.toString(), "-o", ko.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains("does not apply").contains("fs/proc/cmdline.c").contains("this_line_is_not_in_the_kernel")
                .doesNotContain("Exception");
        assertThat(ko).doesNotExist();
    }

    @Test
    void libraryCodeIsRefusedWithExit2() throws IOException {
        Path p = patch("lib.patch", """
                --- a/lib/string.c
                +++ b/lib/string.c
                @@ -1,3 +1,4 @@
                +// kelp
                 // SPDX-License-Identifier: GPL-2.0
                 /*
                  *  linux/lib/string.c
                """);
        Path ko = dir.resolve("lib.ko");
        CliRun r = kelp("build", "--patch", p.toString(), "-o", ko.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("lib/string.c").doesNotContain("Exception");
        assertThat(ko).doesNotExist();
    }
}
