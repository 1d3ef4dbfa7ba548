package dev.kelp.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelp.tree.TestTrees;
import dev.kelp.tree.KbuildUnits;
import dev.kelp.tree.PreparedTree;
import dev.kelp.util.KelpException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AffectedUnitsTest {

    private static AffectedUnits.Result compute(String... patches) {
        return AffectedUnits.compute(TestTrees.prepared(),
                java.util.Arrays.stream(patches).map(n -> PatchFile.read(E2eCase.DIR.resolve(n).resolve("fix.patch"))).toList());
    }

    @Test
    void aCFileIsItsOwnUnitInVmlinux() {
        AffectedUnits.Result r = compute("cmdline-string");
        assertThat(r.units()).singleElement().satisfies(a -> {
            assertThat(a.unit().object()).isEqualTo("fs/proc/cmdline.o");
            assertThat(a.unit().finalObject()).isEqualTo("vmlinux");
            assertThat(a.reason()).isEqualTo("patched");
        });
    }

    @Test
    void moduleUnitsMapToTheirModule() {
        AffectedUnits.Result r = compute("vmlinux-and-module");
        assertThat(r.units()).extracting(a -> a.unit().object() + "→" + a.unit().finalObject())
                .containsExactly("fs/proc/cmdline.o→vmlinux", "fs/xfs/xfs_stats.o→xfs");
    }

    @Test
    void aHeaderAffectsEveryConfiguredUnitIncludingIt() throws Exception {
        AffectedUnits.Result r = compute("header-inline");
        List<String> units = r.units().stream().map(a -> a.unit().source()).toList();
        // the units that call timens_add_boottime, through includes of various depths
        assertThat(units).contains("fs/proc/uptime.c", "kernel/sys.c", "kernel/time/posix-timers.c", "fs/proc/stat.c");
        assertThat(r.units()).allSatisfy(a -> assertThat(a.reason()).isEqualTo("includes include/linux/time_namespace.h"));
        // computed, not guessed: every unit listed reaches the header through its #include chain,
        // and a unit that does not include it is not listed
        assertThat(units).doesNotContain("fs/proc/cmdline.c", "fs/proc/meminfo.c");
        // the vDSO's user-space code cannot be patched: listed apart when it includes the header
        assertThat(r.skipped()).allSatisfy(a -> assertThat(RefusalRules.refusal(a.unit().source())).isPresent());
        // how many and why, on the progress line
        assertThat(r.summary()).isEqualTo(r.units().size() + " units (" + r.units().size() + " include include/linux/time_namespace.h)");
    }

    @Test
    void theStoredIncludeGraphGivesTheSameUnitsAsAFreshScan() {
        PreparedTree tree = TestTrees.prepared();
        List<PatchFile> patch = List.of(PatchFile.read(E2eCase.DIR.resolve("header-inline/fix.patch")));
        AffectedUnits.Result fresh = AffectedUnits.computeUncached(tree, patch);
        AffectedUnits.compute(tree, patch); // stores the graph if no earlier run did
        assertThat(tree.root().resolve("includes-" + tree.buildKey() + ".graph")).isRegularFile();
        AffectedUnits.Result stored = AffectedUnits.compute(tree, patch);
        assertThat(stored.units()).isNotEmpty().containsExactlyElementsOf(fresh.units());
        assertThat(stored.skipped()).containsExactlyElementsOf(fresh.skipped());
    }

    @Test
    void refusalsListEveryRefusedFile(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("bad.patch");
        Files.writeString(p, """
                --- a/arch/x86/entry/entry_64.S
                +++ b/arch/x86/entry/entry_64.S
                @@ -1,1 +1,1 @@
                -x
                +y
                --- a/lib/string.c
                +++ b/lib/string.c
                @@ -1,1 +1,1 @@
                -x
                +y
                --- a/arch/x86/entry/vdso/vclock_gettime.c
                +++ b/arch/x86/entry/vdso/vclock_gettime.c
                @@ -1,1 +1,1 @@
                -x
                +y
                """);
        assertThatThrownBy(() -> AffectedUnits.compute(TestTrees.prepared(), List.of(PatchFile.read(p))))
                .isInstanceOf(KelpException.class)
                .satisfies(e -> assertThat(((KelpException) e).exitCode()).isEqualTo(KelpException.UNSUPPORTED))
                .hasMessageContaining("arch/x86/entry/entry_64.S: assembly cannot be live patched")
                .hasMessageContaining("lib/string.c: lib/ cannot be live patched")
                .hasMessageContaining("arch/x86/entry/vdso/vclock_gettime.c: the vDSO runs in user space");
    }

    @Test
    void aFileThisConfigDoesNotBuildIsNoChange(@TempDir Path dir) throws Exception {
        // drivers/net/ethernet/8390/ne.c is CONFIG_NE2000, which Debian's amd64 config leaves unset
        Path p = dir.resolve("ne.patch");
        Files.writeString(p, """
                --- a/drivers/net/ethernet/8390/ne.c
                +++ b/drivers/net/ethernet/8390/ne.c
                @@ -1,1 +1,1 @@
                -x
                +y
                """);
        assertThat(TestTrees.target().config().isSet("CONFIG_NE2000")).isFalse();
        assertThatThrownBy(() -> AffectedUnits.compute(TestTrees.prepared(), List.of(PatchFile.read(p))))
                .satisfies(e -> assertThat(((KelpException) e).exitCode()).isEqualTo(KelpException.NO_CHANGE))
                .hasMessageContaining("drivers/net/ethernet/8390/ne.c: not built with this kernel's config (CONFIG_NE2000 is not set)");
    }

    @Test
    void aFileTheSourceDoesNotHaveIsAnErrorNotNoChange(@TempDir Path dir) throws Exception {
        // a patch for another tree, or one made with -p0 paths ("--- fs/proc/cmdline.c" strips to proc/cmdline.c)
        Path p = dir.resolve("other-tree.patch");
        Files.writeString(p, "--- fs/proc/cmdline.c\n+++ fs/proc/cmdline.c\n@@ -1 +1 @@\n-x\n+y\n"
                + "--- a/fs/proc/kelp_no_such_file.c\n+++ b/fs/proc/kelp_no_such_file.c\n@@ -1 +1 @@\n-x\n+y\n");
        assertThatThrownBy(() -> AffectedUnits.compute(TestTrees.prepared(), List.of(PatchFile.read(p))))
                .satisfies(e -> assertThat(((KelpException) e).exitCode()).isEqualTo(KelpException.ERROR))
                .hasMessageStartingWith("proc/cmdline.c, fs/proc/kelp_no_such_file.c: no such file in this kernel's source")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aFileAnEarlierPatchCreatesMayBeChangedByALaterOne(@TempDir Path dir) throws Exception {
        Path first = dir.resolve("1.patch");
        Files.writeString(first, "--- /dev/null\n+++ b/fs/proc/kelp_new.h\n@@ -0,0 +1 @@\n+#define KELP_X 1\n");
        Path second = dir.resolve("2.patch");
        Files.writeString(second, "--- a/fs/proc/kelp_new.h\n+++ b/fs/proc/kelp_new.h\n@@ -1 +1 @@\n-#define KELP_X 1\n+#define KELP_X 2\n");
        // not an error about a missing file: the header is new, and no unit includes it
        assertThatThrownBy(() -> AffectedUnits.compute(TestTrees.prepared(), List.of(PatchFile.read(first), PatchFile.read(second))))
                .satisfies(e -> assertThat(((KelpException) e).exitCode()).isEqualTo(KelpException.NO_CHANGE))
                .hasMessageContaining("fs/proc/kelp_new.h: no unit built with this kernel's config includes it");
    }

    @Test
    void deletingASourceFileIsRefused(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("delete.patch");
        Files.writeString(p, "--- a/fs/proc/cmdline.c\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n"
                + "--- a/fs/proc/internal.h\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n");
        assertThatThrownBy(() -> AffectedUnits.compute(TestTrees.prepared(), List.of(PatchFile.read(p))))
                .satisfies(e -> assertThat(((KelpException) e).exitCode()).isEqualTo(KelpException.UNSUPPORTED))
                .hasMessage("cannot live patch these changes: fs/proc/cmdline.c: deleting a source file cannot be live"
                        + " patched (the running kernel keeps its code); change the functions that use it instead;"
                        + " fs/proc/internal.h: deleting a source file cannot be live patched (the running kernel keeps"
                        + " its code); change the functions that use it instead");
    }

    @Test
    void documentationOnlyIsNoChange(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("doc.patch");
        Files.writeString(p, "--- a/Documentation/livepatch/livepatch.rst\n+++ b/Documentation/livepatch/livepatch.rst\n@@ -1 +1 @@\n-x\n+y\n");
        assertThatThrownBy(() -> AffectedUnits.compute(TestTrees.prepared(), List.of(PatchFile.read(p))))
                .satisfies(e -> assertThat(((KelpException) e).exitCode()).isEqualTo(KelpException.NO_CHANGE))
                .hasMessageContaining("Documentation/livepatch/livepatch.rst: not kernel code");
    }

    @Test
    void theUnitDatabaseKnowsVmlinuxAndModuleUnits() {
        KbuildUnits units = KbuildUnits.load(TestTrees.prepared());
        assertThat(units.bySource("kernel/sys.c")).get().extracting(KbuildUnits.Unit::finalObject).isEqualTo("vmlinux");
        assertThat(units.bySource("fs/xfs/libxfs/xfs_alloc.c")).get().extracting(KbuildUnits.Unit::finalObject).isEqualTo("xfs");
        // kbuild's module names use _ where the file name has -
        assertThat(units.bySource("net/netfilter/nf_conntrack_core.c")).get()
                .extracting(KbuildUnits.Unit::finalObject).isEqualTo("nf_conntrack");
        // every module unit names a module Debian ships
        java.util.Set<String> shipped = new java.util.HashSet<>();
        try (var s = Files.walk(TestTrees.target().modulesDir().resolve("kernel"))) {
            s.map(f -> f.getFileName().toString()).filter(n -> n.contains(".ko"))
                    .forEach(n -> shipped.add(n.substring(0, n.indexOf(".ko")).replace('-', '_')));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<String> unknown = units.all().stream().flatMap(u -> u.modules().stream()).distinct()
                .filter(m -> !shipped.contains(m)).toList();
        assertThat(unknown).isEmpty();
    }
}
