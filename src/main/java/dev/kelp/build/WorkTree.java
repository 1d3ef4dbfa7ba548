package dev.kelp.build;

import dev.kelp.util.KelpException;
import dev.kelp.util.Proc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One run's private patched tree: the pristine source hardlinked ({@code cp -al}, about 2 s for a
 * kernel tree) with the patches applied, and a copy of the prepared build dir.
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

    private static final String KEEP_MARKER = "kept-by-keep-work";

    private final PreparedTree tree;
    private final Path dir;
    private final Path srcDir;
    private final Path objDir;
    private final boolean keep;

    private WorkTree(PreparedTree tree, Path dir, boolean keep) {
        this.tree = tree;
        this.dir = dir;
        this.srcDir = dir.resolve("linux");
        this.objDir = srcDir.resolve(tree.objDirName());
        this.keep = keep;
    }

    /** Creates a fresh tree under the cache entry's runs directory; {@code keep} leaves it on close. */
    public static WorkTree create(PreparedTree tree, boolean keep) {
        removeAbandoned(tree.runsDir());
        Path dir = tree.runsDir().resolve(ProcessHandle.current().pid() + "-" + System.nanoTime());
        WorkTree wt = new WorkTree(tree, dir, keep);
        try {
            Files.createDirectories(wt.srcDir);
            List<String> cmd = new ArrayList<>(List.of("cp", "-al"));
            try (Stream<Path> s = Files.list(tree.srcDir())) {
                s.filter(p -> !p.getFileName().toString().startsWith(".kelp-o-"))
                        .sorted()
                        .forEach(p -> cmd.add(p.toString()));
            }
            cmd.add(wt.srcDir + "/");
            Proc.of(cmd).check("linking the source into " + wt.srcDir);
            Proc.of("cp", "-a", tree.prepDir().toString(), wt.objDir.toString()).check("copying the build dir into " + wt.objDir);
            if (keep) {
                Files.writeString(dir.resolve(KEEP_MARKER), "kelp build --keep-work: delete this directory when done\n");
            }
        } catch (IOException e) {
            wt.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            wt.close();
            throw e;
        }
        return wt;
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
        for (Path patch : patches) {
            Path rej = dir.resolve("rejects-" + (n++) + ".rej");
            Proc.Result r = Proc.of("patch", "-p1", "--batch", "--forward", "--no-backup-if-mismatch",
                    "--reject-file=" + rej, "-d", srcDir.toString(), "-i", patch.toAbsolutePath().toString()).run();
            if (!r.ok()) {
                throw new KelpException(describeFailure(patch, r.stdout() + r.stderr(), rej), KelpException.ERROR, null);
            }
        }
    }

    static String describeFailure(Path patch, String output, Path rej) {
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
        StringBuilder msg = new StringBuilder("patch " + patch + " does not apply to this kernel's source: ");
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

    @Override
    public void close() {
        if (!keep) {
            TreeCache.deleteTree(dir);
        }
    }
}
