package dev.kelp.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelp.tree.TestTrees;
import dev.kelp.tree.KbuildUnits;
import dev.kelp.tree.PreparedTree;
import dev.kelp.tree.WorkTree;
import dev.kelp.util.KelpException;
import dev.kelp.util.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnitBuilderTest {

    /**
     * Two e2e patches in one run: a string change, and a comment-only change whose object must
     * differ all the same (line numbers move), so that the comment-only case's exit 3 is kelp
     * diff's judgement and not identical bytes.
     */
    @Test
    void buildsOriginalAndPatchedObjectsThatDifferOnlyWherePatched(@TempDir Path out) throws Exception {
        PreparedTree tree = TestTrees.prepared();
        List<Path> patches = List.of(E2eCase.read(E2eCase.DIR.resolve("cmdline-string")).patch(),
                E2eCase.read(E2eCase.DIR.resolve("comment-only")).patch());
        Path pristine = tree.srcDir().resolve("fs/proc/cmdline.c");
        String before = Files.readString(pristine);
        try (WorkTree wt = WorkTree.create(tree, false)) {
            wt.apply(patches);
            var units = AffectedUnits.compute(tree, patches.stream().map(PatchFile::read).toList()).units().stream()
                    .map(AffectedUnits.Affected::unit).toList();
            List<UnitBuilder.UnitPair> pairs = UnitBuilder.build(wt, units, 2, out);
            assertThat(pairs).extracting(pair -> pair.unit().source()).containsExactlyInAnyOrder("fs/proc/cmdline.c",
                    "fs/proc/meminfo.c");
            for (UnitBuilder.UnitPair pair : pairs) {
                assertThat(pair.original()).isRegularFile();
                assertThat(pair.patched()).isRegularFile();
                assertThat(Files.mismatch(pair.original(), pair.patched())).as(pair.unit().object()).isNotEqualTo(-1L);
            }
            UnitBuilder.UnitPair p = pairs.stream().filter(pair -> pair.unit().source().equals("fs/proc/cmdline.c"))
                    .findFirst().orElseThrow();
            // built with one section per function, and the new string is only in the patched object
            String sections = Proc.of("readelf", "-SW", p.original().toString()).check("readelf").stdout();
            assertThat(sections).contains(".text.cmdline_proc_show");
            assertThat(Files.readString(p.patched(), java.nio.charset.StandardCharsets.ISO_8859_1)).contains("kelp=cmdline-string");
            assertThat(Files.readString(p.original(), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("kelp=cmdline-string");
            // the shared original build dir keeps its object for the next run
            assertThat(tree.objDir().resolve("fs/proc/cmdline.o")).isRegularFile();
        }
        assertThat(Files.readString(pristine)).isEqualTo(before);
    }

    @Test
    void aPatchThatDoesNotApplyNamesTheFileAndShowsTheHunk(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("stale.patch");
        Files.writeString(bad, """
                --- a/fs/proc/cmdline.c
                +++ b/fs/proc/cmdline.c
                @@ -7,7 +7,7 @@
                 static int cmdline_proc_show(struct seq_file *m, void *v)
                 {
                -	seq_puts(m, boot_command_line);
                +	seq_puts(m, "stale");
                 	seq_putc(m, '\\n');
                 	return 0;
                 }
                """);
        try (WorkTree wt = WorkTree.create(TestTrees.prepared(), false)) {
            assertThatThrownBy(() -> wt.apply(List.of(bad))).isInstanceOf(KelpException.class)
                    .satisfies(e -> assertThat(((KelpException) e).exitCode()).isEqualTo(KelpException.ERROR))
                    .hasMessageContaining("patch " + bad + " does not apply to this kernel's source: fs/proc/cmdline.c hunk #1 (at line 7) failed")
                    .hasMessageContaining("-\tseq_puts(m, boot_command_line);");
        }
    }

    @Test
    void aLaterPatchThatDoesNotApplyNamesThePatchesBeforeIt(@TempDir Path dir) throws Exception {
        Path first = E2eCase.DIR.resolve("cmdline-string/fix.patch");
        // the same change again: it finds its own result already there
        try (WorkTree wt = WorkTree.create(TestTrees.prepared(), false)) {
            assertThatThrownBy(() -> wt.apply(List.of(first, first))).isInstanceOf(KelpException.class)
                    .hasMessageStartingWith("patch " + first + " does not apply to this kernel's source after " + first + ": ");
        }
    }

    @Test
    void aPatchedSourceThatDoesNotCompileShowsTheCompilerError(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("typo.patch");
        Files.writeString(bad, """
                --- a/fs/proc/cmdline.c
                +++ b/fs/proc/cmdline.c
                @@ -7,7 +7,7 @@
                 static int cmdline_proc_show(struct seq_file *m, void *v)
                 {
                 	seq_puts(m, saved_command_line);
                -	seq_putc(m, '\\n');
                +	seq_putc(m, '\\n')
                 	return 0;
                 }
                """);
        PreparedTree tree = TestTrees.prepared();
        try (WorkTree wt = WorkTree.create(tree, false)) {
            wt.apply(List.of(bad));
            var unit = KbuildUnits.load(tree).bySource("fs/proc/cmdline.c").orElseThrow();
            assertThatThrownBy(() -> UnitBuilder.build(wt, List.of(unit), 2, dir.resolve("out")))
                    .hasMessageStartingWith("fs/proc/cmdline.c: the patched source does not compile:")
                    .hasMessageContaining("\nfs/proc/cmdline.c:10:26: error: expected ';' before 'return'").hasMessageNotContaining("make[");
        }
    }
}
