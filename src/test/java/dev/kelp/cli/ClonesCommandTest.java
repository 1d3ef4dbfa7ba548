package dev.kelp.cli;

import static dev.kelp.cli.CliRun.kelp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.testsupport.Gcc;
import dev.kelp.util.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClonesCommandTest {
    @TempDir
    Path dir;

    private static final String UNIT = """
            #include "helpers.h"
            extern int sink(int);
            static int table[4] = { 1, 2, 3, 4 };
            static __attribute__((noinline)) int scale(int v, int by) {
              int s = 0; for (int i = 0; i < v; i++) s += by * i + table[i & 3]; return s; }
            int entry_a(int v) { return scale(v, 3) + twice(v); }
            int entry_b(int v) { return scale(v + 1, 3); }
            int entry_c(int v) { return sink(table[v & 3]); }
            """;

    /** Source tree + dump + object built with gcc-12, patch made with GNU diff: both steps end to end. */
    @Test
    void patchOnACompiledTreeListsFunctionsChainsAndMissingSymbols() throws IOException {
        Path src = Files.createDirectories(dir.resolve("src/drv"));
        Files.writeString(src.resolve("helpers.h"), "static inline int twice(int x)\n{\n\treturn x * 2;\n}\n");
        Files.writeString(src.resolve("unit.c"), UNIT);
        Path build = Files.createDirectories(dir.resolve("build/drv"));
        Gcc.run(dir.resolve("src"), List.of("-O2", "-fdump-ipa-clones", "-c", "-o", build.resolve("unit.o").toString(),
                "drv/unit.c"));
        Path b = Files.createDirectories(dir.resolve("b/drv"));
        Files.writeString(b.resolve("helpers.h"), "static inline int twice(int x)\n{\n\treturn x * 2 + 1;\n}\n");
        Files.writeString(b.resolve("unit.c"), UNIT.replace("by * i +", "by * i -"));
        Files.createDirectories(dir.resolve("a"));
        Proc.of("cp", "-r", dir.resolve("src/drv").toString(), dir.resolve("a").toString()).check("cp");
        String diff = Proc.of("diff", "-ru", "a/drv", "b/drv").dir(dir).run().stdout();
        Path patch = dir.resolve("fix.patch");
        Files.writeString(patch, diff);

        CliRun r = kelp("clones", "--patch", patch.toString(), "--source", dir.resolve("src").toString(),
                "--dump", "drvmod=" + build.resolve("unit.c.000i.ipa-clones"), "--symbols", "drvmod=" + build.resolve("unit.o"));
        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("drv/helpers.h hunk 1", "function twice (1-4)", "used by entry_a in drv/unit.c",
                "drv/unit.c hunk 1", "function scale");
        assertThat(r.out()).containsPattern("(?m)^  drvmod$");
        assertThat(r.out()).containsPattern("(?m)^    scale +changed +\\[no symbol of its own: no symbol in drvmod\\]");
        assertThat(r.out()).containsPattern("(?m)^    scale\\.constprop\\.0 +scale\\.constprop\\.0 constprop clone of scale  \\(drv/unit\\.c");
        assertThat(r.out()).containsPattern("(?m)^    entry_a +twice inlined into entry_a");
        assertThat(r.out()).containsPattern("(?m)^    twice +changed +\\[no symbol of its own");
        assertThat(r.out()).doesNotContain("entry_b ").doesNotContain("entry_c");
    }

    @Test
    void functionsWithoutDumpsListOnlyThemselvesAndSayWhy() {
        CliRun r = kelp("clones", "--functions", "foo,bar");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("foo", "bar", "no ipa-clones dump given");
    }

    @Test
    void badInputGivesOneLineErrors() throws IOException {
        Path dump = dir.resolve("u.c.000i.ipa-clones");
        Files.writeString(dump, "");
        CliRun noSource = kelp("clones", "--patch", "x.patch", "--dump", dump.toString());
        assertThat(noSource.exit()).isEqualTo(1);
        assertThat(noSource.err().strip())
                .isEqualTo("kelp: --patch with --dump/--symbols needs --source DIR, the unpatched tree the patch applies to");
        CliRun noPatch = kelp("clones", "--patch", dir.resolve("none.patch").toString());
        assertThat(noPatch.exit()).isEqualTo(1);
        assertThat(noPatch.err().strip()).isEqualTo("kelp: " + dir.resolve("none.patch") + ": no such patch file");
        CliRun compareOffline = kelp("clones", "--patch", "x.patch", "--dump", dump.toString(), "--compare");
        assertThat(compareOffline.exit()).isEqualTo(1);
        assertThat(compareOffline.err()).startsWith("kelp: --compare needs --patch without --dump/--symbols");
        CliRun rowsAlone = kelp("clones", "--patch", "x.patch", "--rows", dir.resolve("r.tsv").toString());
        assertThat(rowsAlone.exit()).isEqualTo(1);
        assertThat(rowsAlone.err().strip()).isEqualTo("kelp: --rows needs --compare");
        Path bad = dir.resolve("bad.ipa-clones");
        Files.writeString(bad, "Callgraph clone;f;1;t.c;1;1\n");
        CliRun badDump = kelp("clones", "--functions", "f", "--dump", bad.toString());
        assertThat(badDump.exit()).isEqualTo(1);
        assertThat(badDump.err()).startsWith("kelp: " + bad + ":1: 'Callgraph clone' line has 6 fields").doesNotContain("Exception");
        assertThat(badDump.out()).isEmpty();
        CliRun both = kelp("clones", "--functions", "f", "--patch", "x");
        assertThat(both.exit()).isNotZero();
    }

    /**
     * The whole source route and the binary route on the real Debian kernel: kelp build's prepared
     * tree, fs/proc/meminfo.c compiled with -fdump-ipa-clones before and after the e2e patch that
     * changes show_val_kb, which gcc inlines into meminfo_proc_show.
     */
    @Test
    void patchOnTheTargetKernelListsTheInlinedCallerAndBothRoutesAgree() throws IOException {
        Path rows = dir.resolve("rows.tsv");
        CliRun r = kelp("clones", "--patch", "src/test/resources/e2e-patches/inlined-function/fix.patch", "--compare",
                "--rows", rows.toString(), "--jobs", "2");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("fs/proc/meminfo.c hunk 1", "function show_val_kb", "Units compiled with -fdump-ipa-clones",
                "  fs/proc/meminfo.c → vmlinux");
        // the kernel's own symbols (kallsyms of the installed vmlinuz) say show_val_kb has none
        assertThat(r.out()).containsPattern("(?m)^    show_val_kb +changed +\\[no symbol of its own: no symbol in vmlinux\\]");
        assertThat(r.out()).containsPattern("(?m)^    meminfo_proc_show +show_val_kb inlined into meminfo_proc_show  \\(fs/proc/meminfo\\.c\\)$");
        assertThat(r.out()).contains("fs/proc/meminfo.c: changed (1 changed, 0 new)").doesNotContain("refused:");
        assertThat(r.out()).containsPattern("(?m)^  agree +vmlinux meminfo_proc_show +show_val_kb inlined into meminfo_proc_show$");
        assertThat(r.out()).containsPattern("(?m)^  agree_no_symbol vmlinux show_val_kb ");
        assertThat(r.out()).contains("2 of 2 function(s) agree");
        assertThat(Files.readAllLines(rows)).containsExactlyInAnyOrder(
                "vmlinux\tshow_val_kb\tchanged (no symbol)\t-\tagree_no_symbol\tno symbol of its own (no symbol in vmlinux);"
                        + " its code is replaced with the functions it went into",
                "vmlinux\tmeminfo_proc_show\tshow_val_kb inlined into meminfo_proc_show\tchanged\tagree"
                        + "\tshow_val_kb inlined into meminfo_proc_show");
    }
}
