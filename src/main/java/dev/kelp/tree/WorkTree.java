package dev.kelp.tree;

import dev.kelp.util.KelpException;
import dev.kelp.util.Proc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One run's private patched tree: the pristine source hardlinked ({@code cp -al}, about 2 s for a
 * kernel tree; reused across runs, see {@link RunSlot}) with the patches applied, and a copy of
 * the prepared build dir.
 *
 * <p>Hardlinks are safe because nothing writes into a source file in place: GNU patch writes
 * each patched file to a new file and renames it over the old name (so the pristine inode keeps
 * the original text; {@code WorkTreeTest} checks it), and kbuild with O= writes only into the
 * build dir. The build dir itself is copied, never linked: the compiler and fixdep rewrite files
 * in place.
 */
public final class WorkTree implements AutoCloseable {
    private static final Pattern PATCHING = Pattern.compile("^(?:patching|checking) file (.+)$");
    private static final Pattern FAILED = Pattern.compile("^Hunk #(\\d+) FAILED at (\\d+)\\.?.*$");

    private static final Pattern NAMED_PATH = Pattern.compile("^(--- |\\+\\+\\+ |rename from |rename to |copy from |copy to )(.+)$");
    private static final Pattern GIT_HEADER = Pattern.compile("^diff --git [^/\\s]+/(\\S+) [^/\\s]+/(\\S+)$");

    private static final String KEEP_MARKER = "kept-by-keep-work";

    private final PreparedTree tree;
    private final Path dir;
    private final Path srcDir;
    private final Path objDir;
    private final RunSlot slot; // null for a --keep-work tree

    private WorkTree(PreparedTree tree, Path dir, RunSlot slot) {
        this.tree = tree;
        this.dir = dir;
        this.srcDir = dir.resolve("linux");
        this.objDir = srcDir.resolve(tree.objDirName());
        this.slot = slot;
    }

    /**
     * A pristine patched-to-be tree for one run: a reused slot (see {@link RunSlot}) restored to
     * the pristine source, or with {@code keep} a fresh directory left in place on close.
     */
    public static WorkTree create(PreparedTree tree, boolean keep) {
        removeAbandoned(tree.runsDir());
        if (keep) {
            Path dir = tree.runsDir().resolve(ProcessHandle.current().pid() + "-" + System.nanoTime());
            WorkTree wt = new WorkTree(tree, dir, null);
            return wt.populate(() -> {
                wt.linkSource();
                Files.writeString(dir.resolve(KEEP_MARKER), "kelp build --keep-work: delete this directory when done\n");
            });
        }
        RunSlot slot = RunSlot.acquire(tree.runsDir());
        WorkTree wt = new WorkTree(tree, slot.dir(), slot);
        return wt.populate(() -> slot.makePristine(tree.srcDir(), wt::linkSource));
    }

    private interface Step {
        void run() throws IOException;
    }

    /** Gets the source in place, then a fresh copy of the prepared build dir (kbuild rewrites it). */
    private WorkTree populate(Step source) {
        try {
            removeEarlierOutputs();
            source.run();
            try (Stream<Path> s = Files.list(srcDir)) {
                for (Path stale : s.filter(p -> p.getFileName().toString().startsWith(".kelp-o-")).toList()) {
                    TreeCache.deleteTree(stale);
                }
            }
            Proc.of("cp", "-a", tree.prepDir().toString(), objDir.toString()).verbose(tree.kbuild().verbose()).check("copying the build dir into " + objDir);
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    /** A reused slot still holds the last run's objects, diff and module dirs: none may leak into this run. */
    private void removeEarlierOutputs() throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (!name.equals("linux") && !name.equals("lock") && !name.startsWith("dirty")) {
                    TreeCache.deleteTree(p);
                }
            }
        }
    }

    /** {@code cp -al} of the pristine source, built aside and renamed into place (atomic). */
    private void linkSource() {
        Path tmp = dir.resolve("linux.tmp");
        try {
            TreeCache.deleteTree(tmp);
            Files.createDirectories(tmp);
            List<String> cmd = new ArrayList<>(List.of("cp", "-al"));
            try (Stream<Path> s = Files.list(tree.srcDir())) {
                s.filter(p -> !p.getFileName().toString().startsWith(".kelp-o-"))
                        .sorted()
                        .forEach(p -> cmd.add(p.toString()));
            }
            cmd.add(tmp + "/");
            Proc.of(cmd).verbose(tree.kbuild().verbose()).check("linking the source into " + tmp);
            Files.move(tmp, srcDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes the trees of runs whose process is gone (killed runs); --keep-work trees are marked and stay. */
    private static void removeAbandoned(Path runs) {
        if (!Files.isDirectory(runs)) {
            return;
        }
        try (Stream<Path> s = Files.list(runs)) {
            for (Path run : s.toList()) {
                String name = run.getFileName().toString();
                int dash = name.indexOf('-');
                if (dash <= 0 || Files.exists(run.resolve(KEEP_MARKER))) {
                    continue;
                }
                long pid;
                try {
                    pid = Long.parseLong(name.substring(0, dash));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (ProcessHandle.of(pid).isEmpty()) {
                    TreeCache.deleteTree(run);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    public Path srcDir() {
        return srcDir;
    }

    public Path objDir() {
        return objDir;
    }

    public PreparedTree tree() {
        return tree;
    }

    /**
     * Applies the patches in order ({@code patch -p1}). A patch that does not apply fails with
     * the patch, the file, and the text of each failing hunk.
     */
    public void apply(List<Path> patches) {
        int n = 0;
        List<Path> applied = new ArrayList<>();
        for (Path patch : patches) {
            if (slot != null) {
                slot.markDirty(pathsNamedBy(patch));
            }
            Path rej = dir.resolve("rejects-" + (n++) + ".rej");
            deleteIfExists(rej);
            Proc.Result r = Proc.of("patch", "-p1", "--batch", "--forward", "--no-backup-if-mismatch",
                    "--reject-file=" + rej, "-d", srcDir.toString(), "-i", patch.toAbsolutePath().toString())
                    .verbose(tree.kbuild().verbose()).run();
            if (!r.ok()) {
                throw new KelpException(describeFailure(patch, applied, r.stdout() + r.stderr(), rej), KelpException.ERROR, null);
            }
            applied.add(patch);
        }
    }

    /**
     * Every tree path a patch can create, change, rename or delete under {@code -p1}: the
     * {@code ---}/{@code +++} and {@code diff --git} headers (first component stripped) and git's
     * rename/copy lines. GNU patch touches no other file. A removed line that reads like a header
     * ("--- x") adds a bogus path: harmless, restoring a path that was not changed is a no-op.
     */
    static Set<String> pathsNamedBy(Path patch) {
        Set<String> paths = new LinkedHashSet<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(patch, java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new KelpException(patch + ": cannot read the patch: " + e.getMessage(), e);
        }
        for (String line : lines) {
            Matcher m = NAMED_PATH.matcher(line);
            if (m.matches()) {
                String p = m.group(2).split("\t", 2)[0].strip();
                if (m.group(1).startsWith("rename") || m.group(1).startsWith("copy")) {
                    paths.add(p);
                } else if (!p.equals("/dev/null") && p.indexOf('/') > 0) {
                    paths.add(p.substring(p.indexOf('/') + 1));
                }
            }
            Matcher git = GIT_HEADER.matcher(line);
            if (git.matches()) {
                paths.add(git.group(1));
                paths.add(git.group(2));
            }
        }
        return paths;
    }

    private static void deleteIfExists(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code applied}: the patches before this one, which it is applied on top of. */
    static String describeFailure(Path patch, List<Path> applied, String output, Path rej) {
        String file = null;
        List<String> failed = new ArrayList<>();
        String other = null;
        for (String line : output.split("\n")) {
            Matcher p = PATCHING.matcher(line);
            if (p.matches()) {
                file = p.group(1).strip();
                continue;
            }
            Matcher f = FAILED.matcher(line);
            if (f.matches()) {
                failed.add((file == null ? "?" : file) + " hunk #" + f.group(1) + " (at line " + f.group(2) + ")");
            } else if (line.contains("can't find file to patch") || line.contains("No file to patch")) {
                other = "a file it patches does not exist in this kernel's source";
            } else if (line.startsWith("Reversed (or previously applied) patch detected")) {
                other = (file == null ? "a file" : file) + " already contains this change (reversed or previously applied patch)";
            } else if (line.contains("malformed patch") || line.contains("Only garbage was found")) {
                other = "it is malformed: " + line.strip();
            }
        }
        StringBuilder msg = new StringBuilder("patch " + patch + " does not apply to this kernel's source"
                + (applied.isEmpty() ? "" : " after " + String.join(", ", applied.stream().map(Path::toString).toList())) + ": ");
        if (!failed.isEmpty()) {
            msg.append(String.join(", ", failed)).append(" failed");
            String hunks = TreeCache.readIfExists(rej).orElse("").strip();
            if (!hunks.isEmpty()) {
                msg.append("; the failing hunk").append(failed.size() > 1 ? "s" : "").append(":\n").append(hunks);
            }
        } else if (other != null) {
            msg.append(other);
        } else {
            msg.append(output.strip().lines().reduce((a, b) -> b).orElse("patch failed"));
        }
        return msg.toString();
    }

    /** Frees the slot for the next run (its tree stays, to be restored); a kept tree stays as it is. */
    @Override
    public void close() {
        if (slot != null) {
            slot.close();
        }
    }
}
