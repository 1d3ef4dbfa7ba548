package dev.kelp.tree;

import dev.kelp.target.Target;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * A cache entry ready for building units: a pristine source tree (never modified), the shared
 * build dir for ORIGINAL units (kept across runs, so kbuild rebuilds only what is missing), and a
 * snapshot of that build dir right after {@code modules_prepare}, copied into each run's patched
 * tree.
 *
 * @param target   the kernel this tree reproduces
 * @param kbuild   make command lines for it
 * @param root     the cache entry's directory (holds the source, snapshot, runs and locks)
 * @param srcDir   the pristine source ({@code root/linux})
 * @param objDir   the original build dir, a direct child of {@code srcDir} (see {@link TreeCache})
 * @param prepDir  the build dir snapshot after modules_prepare
 * @param buildKey the key of this config + compiler + flags combination
 */
public record PreparedTree(Target target, Kbuild kbuild, Path root, Path srcDir, Path objDir, Path prepDir,
        String buildKey, TreeCache cache) {

    /** The build dir's name inside a source tree: the same in the pristine and every per-run tree. */
    public String objDirName() {
        return objDir.getFileName().toString();
    }

    /** Runs {@code action} holding this entry's build lock (original builds, unit database). */
    public <T> T locked(Supplier<T> action) {
        return cache.withLock(root.resolve("build-" + buildKey + ".lock"), action);
    }

    /** Where per-run trees go: on the same file system as the source, so they can hardlink it. */
    public Path runsDir() {
        return root.resolve("runs");
    }
}
