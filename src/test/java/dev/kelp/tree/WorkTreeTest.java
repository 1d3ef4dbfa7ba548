package dev.kelp.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reused run trees (RunSlot) must be indistinguishable from a fresh link of the pristine source. */
class WorkTreeTest {
    private PreparedTree real;
    private PreparedTree tree;

    @BeforeEach
    void privateRunsDir() {
        real = TestTrees.prepared();
        // runs of this test go to their own directory on the cache's file system (hardlinks), so
        // that runs of other test classes or processes cannot take the slot this test checks
        Path root = real.root().resolve("test-slots-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        tree = new PreparedTree(real.target(), real.kbuild(), root, real.srcDir(), real.objDir(), real.prepDir(),
                real.buildKey(), real.cache());
    }

    @AfterEach
    void removeRunsDir() {
        TreeCache.deleteTree(tree.root());
    }

    @Test
    void aReusedTreeIsPristineAgainAfterAPatchThatChangesCreatesAndDeletesFiles(@TempDir Path dir) throws Exception {
        Path pristine = real.srcDir();
        String deleted = "fs/proc/version.c";
        Path patch = dir.resolve("all-kinds.patch");
        StringBuilder text = new StringBuilder(Files.readString(Path.of("src/test/resources/e2e-patches").resolve("cmdline-string/fix.patch")));
        text.append("--- /dev/null\n+++ b/kelp-new-dir/sub/new.c\n@@ -0,0 +1 @@\n+int kelp_new;\n");
        List<String> old = Files.readAllLines(pristine.resolve(deleted));
        text.append("--- a/").append(deleted).append("\n+++ /dev/null\n@@ -1,").append(old.size()).append(" +0,0 @@\n");
        old.forEach(l -> text.append('-').append(l).append('\n'));
        Files.writeString(patch, text);

        Path first;
        try (WorkTree wt = WorkTree.create(tree, false)) {
            first = wt.dir();
            wt.apply(List.of(patch));
            assertThat(wt.srcDir().resolve("kelp-new-dir/sub/new.c")).isRegularFile();
            assertThat(wt.srcDir().resolve(deleted)).doesNotExist();
            assertThat(Files.isSameFile(wt.srcDir().resolve("fs/proc/cmdline.c"), pristine.resolve("fs/proc/cmdline.c"))).isFalse();
            Files.createDirectories(wt.dir().resolve("objects/fs/proc"));
            Files.writeString(wt.dir().resolve("objects/fs/proc/cmdline.o"), "from the first run");
            Files.writeString(wt.objDir().resolve("stale.o"), "from the first run");
        }
        try (WorkTree wt = WorkTree.create(tree, false)) {
            assertThat(wt.dir()).isEqualTo(first);
            assertThat(Files.isSameFile(wt.srcDir().resolve("fs/proc/cmdline.c"), pristine.resolve("fs/proc/cmdline.c"))).isTrue();
            assertThat(Files.isSameFile(wt.srcDir().resolve(deleted), pristine.resolve(deleted))).isTrue();
            assertThat(wt.srcDir().resolve("kelp-new-dir")).doesNotExist();
            assertThat(wt.dir().resolve("objects")).doesNotExist();
            assertThat(wt.objDir().resolve("stale.o")).doesNotExist();
            assertThat(wt.objDir().resolve(".config")).hasSameTextualContentAs(real.prepDir().resolve(".config"));
        }
    }

    @Test
    void aRunKilledWhilePatchingLeavesATreeTheNextRunRestores() throws Exception {
        Path pristine = real.srcDir();
        Path first;
        try (WorkTree wt = WorkTree.create(tree, false)) {
            first = wt.dir();
        }
        // what a killed run leaves: the dirty list written before patching, a file half-changed
        Files.write(first.resolve("dirty"), List.of("mm/filemap.c"));
        Path victim = first.resolve("linux/mm/filemap.c");
        Files.delete(victim);
        Files.writeString(victim, "half written");
        try (WorkTree wt = WorkTree.create(tree, false)) {
            assertThat(wt.dir()).isEqualTo(first);
            assertThat(Files.isSameFile(wt.srcDir().resolve("mm/filemap.c"), pristine.resolve("mm/filemap.c"))).isTrue();
        }
        // no record at all: the tree cannot be trusted and is linked afresh
        Files.delete(first.resolve("dirty"));
        Files.delete(victim);
        Files.writeString(victim, "unrecorded change");
        try (WorkTree wt = WorkTree.create(tree, false)) {
            assertThat(Files.isSameFile(wt.srcDir().resolve("mm/filemap.c"), pristine.resolve("mm/filemap.c"))).isTrue();
        }
    }

    @Test
    void twoRunsAtOnceGetTwoTrees() {
        try (WorkTree a = WorkTree.create(tree, false); WorkTree b = WorkTree.create(tree, false)) {
            assertThat(a.dir()).isNotEqualTo(b.dir());
        }
    }

    @Test
    void thePathsAPatchNamesIncludeGitRenamesAndBothSidesOfEachHeader(@TempDir Path dir) throws Exception {
        Path patch = dir.resolve("git.patch");
        Files.writeString(patch, """
                From 1234 Mon Sep 17 00:00:00 2001
                Subject: [PATCH] example
                ---
                 a.c | 2 +-
                diff --git a/kernel/old_name.c b/kernel/new_name.c
                similarity index 90%
                rename from kernel/old_name.c
                rename to kernel/new_name.c
                --- a/kernel/old_name.c
                +++ b/kernel/new_name.c
                @@ -1 +1 @@
                -a
                +b
                diff --git a/fs/x.c b/fs/x.c
                --- a/fs/x.c\t2024-01-01 00:00:00
                +++ b/fs/x.c\t2024-01-01 00:00:00
                @@ -1 +1 @@
                -a
                +b
                """);
        assertThat(WorkTree.pathsNamedBy(patch)).containsExactlyInAnyOrder("kernel/old_name.c", "kernel/new_name.c", "fs/x.c");
    }
}
