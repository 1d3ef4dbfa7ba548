package dev.kelp.tree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.target.KernelConfig;
import dev.kelp.target.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TreeCacheTest {

    @Test
    void preparesTheTargetsSourceWithItsOwnConfig() throws Exception {
        PreparedTree tree = TestTrees.prepared();
        Target t = tree.target();
        assertThat(Target.makefileVersion(tree.srcDir().resolve("Makefile"))).isEqualTo(t.version());
        // olddefconfig kept Debian's config byte for byte (CC_VERSION_TEXT and PAHOLE_* included)
        assertThat(KernelConfig.differences(t.config(), KernelConfig.read(tree.objDir().resolve(".config")))).isEmpty();
        assertThat(Files.readString(tree.objDir().resolve("include/generated/utsrelease.h"))).contains("\"" + t.release() + "\"");
        assertThat(Files.mismatch(tree.objDir().resolve("Module.symvers"), t.symvers())).isEqualTo(-1L);
        assertThat(tree.prepDir().resolve("scripts/mod/modpost")).isRegularFile();
        assertThat(tree.objDir().getParent()).isEqualTo(tree.srcDir());
        // the pristine source was never configured in place
        assertThat(tree.srcDir().resolve(".config")).doesNotExist();
    }

    @Test
    void aSecondPrepareReusesTheEntry() throws Exception {
        PreparedTree first = TestTrees.prepared();
        Path ready = first.root().resolve("ready-" + first.buildKey());
        var stamp = Files.getLastModifiedTime(ready);
        PreparedTree again = new TreeCache(TreeCache.defaultRoot(), s -> { }).prepare(first.target(), false);
        assertThat(again.srcDir()).isEqualTo(first.srcDir());
        assertThat(again.objDir()).isEqualTo(first.objDir());
        assertThat(Files.getLastModifiedTime(ready)).isEqualTo(stamp);
    }

    @Test
    void paholeIsNeededOnlyWhenTheTreeMustBeConfigured(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        PreparedTree warm = TestTrees.prepared();
        Target target = warm.target();
        assertThat(target.config().isSet("CONFIG_DEBUG_INFO_BTF")).as("Debian's kernel has BTF").isTrue();
        String noPahole = "kelp-no-such-pahole";
        PreparedTree again = new TreeCache(TreeCache.defaultRoot(), s -> { }, noPahole).prepare(target, false);
        assertThat(again.objDir()).as("a warm cache is used without pahole").isEqualTo(warm.objDir());
        List<String> log = new java.util.ArrayList<>();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TreeCache(dir.resolve("cache"), log::add, noPahole)
                .prepare(target, false))
                .hasMessage("kernel " + target.release() + " has CONFIG_DEBUG_INFO_BTF=y, and without pahole"
                        + " 'make olddefconfig' drops its PAHOLE_* options: install it with 'apt-get install dwarves'");
        assertThat(dir.resolve("cache/trees")).as("refused before unpacking").doesNotExist();
        assertThat(log).isEmpty();
    }

    @Test
    void sourceKeyIsMemoisedByContentAndDifferentForAnotherFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        TreeCache cache = new TreeCache(dir.resolve("cache"), s -> { });
        Path a = dir.resolve("a.tar.xz");
        Path b = dir.resolve("b.tar.xz");
        Files.writeString(a, "one");
        Files.writeString(b, "two");
        String ka = cache.sourceKey(a);
        assertThat(cache.sourceKey(a)).isEqualTo(ka);
        assertThat(cache.sourceKey(b)).isNotEqualTo(ka);
        assertThat(dir.resolve("cache/hashes")).isDirectoryContaining(p -> true);
    }

    @Test
    void workTreeHardlinksTheSourceAndPatchBreaksTheLink() throws Exception {
        PreparedTree tree = TestTrees.prepared();
        Path patch = Path.of("src/test/resources/e2e-patches/cmdline-string/fix.patch").toAbsolutePath();
        Path pristine = tree.srcDir().resolve("fs/proc/cmdline.c");
        String before = Files.readString(pristine);
        try (WorkTree wt = WorkTree.create(tree, false)) {
            Path copy = wt.srcDir().resolve("fs/proc/cmdline.c");
            assertThat(Files.isSameFile(copy, pristine)).isTrue();
            assertThat(wt.objDir().resolve(".config")).isRegularFile();
            wt.apply(List.of(patch));
            assertThat(Files.isSameFile(copy, pristine)).isFalse();
            assertThat(Files.readString(copy)).isNotEqualTo(before);
            assertThat(Files.readString(pristine)).isEqualTo(before);
            assertThat(Files.isSameFile(wt.srcDir().resolve("fs/proc/meminfo.c"), tree.srcDir().resolve("fs/proc/meminfo.c"))).isTrue();
        }
    }

    @Test
    void treesOfDeadRunsAreRemovedAndKeptTreesStay() throws Exception {
        PreparedTree tree = TestTrees.prepared();
        Path dead = tree.runsDir().resolve("999999999-1"); // above any pid_max: never a live process
        Files.createDirectories(dead.resolve("linux"));
        Path kept;
        try (WorkTree wt = WorkTree.create(tree, true)) {
            kept = wt.dir();
        }
        assertThat(dead).doesNotExist();
        try (WorkTree wt = WorkTree.create(tree, false)) {
            assertThat(kept).isDirectory();
        } finally {
            TreeCache.deleteTree(kept);
        }
    }
}
