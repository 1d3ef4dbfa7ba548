package dev.kelp.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.util.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which functions a patch touches, read from the source, and the reason the report gives for a
 * function the differ found changed. The patches are made by diff(1) from real C text.
 */
class SourceTouchesTest {
    private static final String ORIGINAL = """
            #include <linux/seq_file.h>

            #define UNIT " kB"

            static void show_val(struct seq_file *m, const char *s, unsigned long num)
            {
            \tseq_printf(m, "%s %lu" UNIT "\\n", s, num);
            }

            static void show_pair(struct seq_file *m, unsigned long a)
            {
            \tshow_val(m, "a", a);
            }

            int meminfo_show(struct seq_file *m, void *v)
            {
            \tshow_pair(m, 1);
            \tshow_val(m, "b", 2);
            \treturn 0;
            }

            int other_show(struct seq_file *m, void *v)
            {
            \t/* a comment */
            \tseq_puts(m, "x");
            \treturn 0;
            }

            int units_show(struct seq_file *m, void *v)
            {
            \tseq_puts(m, UNIT);
            \treturn 0;
            }
            """;

    @TempDir
    Path dir;

    private SourceTouches touches(String patched) throws IOException {
        Path a = dir.resolve("a/fs/proc/meminfo.c");
        Path b = dir.resolve("b/fs/proc/meminfo.c");
        Files.createDirectories(a.getParent());
        Files.createDirectories(b.getParent());
        Files.writeString(a, ORIGINAL);
        Files.writeString(b, patched);
        Proc.Result diff = Proc.of(List.of("diff", "-u", "a/fs/proc/meminfo.c", "b/fs/proc/meminfo.c")).dir(dir).run();
        Path patch = dir.resolve("fix.patch");
        Files.writeString(patch, diff.stdout());
        return SourceTouches.of(dir.resolve("a"), List.of(patch));
    }

    @Test
    void aFunctionWhoseLinesThePatchEditsIsChangedItsInlinedCallersAreNot() throws IOException {
        SourceTouches t = touches(ORIGINAL.replace("\"%s %lu\"", "\"%s: %lu\""));
        assertThat(t.touchedFunctions("fs/proc/meminfo.c")).containsExactly("show_val");
        assertThat(t.explain("fs/proc/meminfo.c", "show_val", "changed")).isEqualTo("changed");
        assertThat(t.explain("fs/proc/meminfo.c", "show_val.isra.0", "changed (isra clone of show_val)"))
                .isEqualTo("changed (isra clone of show_val)");
        // directly and through show_pair, which is inlined as well
        assertThat(t.explain("fs/proc/meminfo.c", "meminfo_show", "changed"))
                .isEqualTo("caller of an inlined change: show_val");
        assertThat(t.explain("fs/proc/meminfo.c", "show_pair.constprop.0", "changed (constprop clone of show_pair)"))
                .isEqualTo("caller of an inlined change: show_val (constprop clone of show_pair)");
        assertThat(t.explain("fs/proc/meminfo.c", "kelp_helper", "new")).isEqualTo("new");
        assertThat(t.explain("fs/proc/meminfo.c", "other_show", "changed"))
                .isEqualTo("changed, though the patch does not touch its source");
    }

    @Test
    void aChangedMacroIsNamedAsTheReason() throws IOException {
        SourceTouches t = touches(ORIGINAL.replace("#define UNIT \" kB\"", "#define UNIT \" KiB\""));
        assertThat(t.touchedFunctions("fs/proc/meminfo.c")).isEmpty();
        assertThat(t.explain("fs/proc/meminfo.c", "units_show", "changed")).isEqualTo("uses a changed macro UNIT");
        assertThat(t.explain("fs/proc/meminfo.c", "meminfo_show", "changed")).isEqualTo("uses a changed macro UNIT");
    }

    @Test
    void aCommentOnlyEditTouchesNoFunction() throws IOException {
        SourceTouches t = touches(ORIGINAL.replace("/* a comment */", "/* another comment */"));
        assertThat(t.touchedFunctions("fs/proc/meminfo.c")).isEmpty();
    }

    @Test
    void aFileTheReportKnowsNothingAboutKeepsTheDiffersReason() throws IOException {
        SourceTouches t = touches(ORIGINAL.replace("\"%s %lu\"", "\"%s: %lu\""));
        assertThat(t.explain("fs/proc/cmdline.c", "cmdline_proc_show", "changed")).isEqualTo("changed");
        assertThat(SourceTouches.NONE.explain("fs/proc/meminfo.c", "meminfo_show", "changed")).isEqualTo("changed");
    }
}
