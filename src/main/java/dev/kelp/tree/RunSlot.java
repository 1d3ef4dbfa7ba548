package dev.kelp.tree;

import dev.kelp.util.KelpException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A reusable per-run source tree ({@code runs/slot-N/linux}), so that a warm run does not
 * hardlink the whole kernel tree again (80 k files: 2 s idle, 6 s and more on a busy machine).
 *
 * <p>A slot belongs to one run at a time (a file lock, plus an in-JVM set since Java file locks
 * are per process). Its {@code dirty} file lists every source path a run's patches may have
 * changed; it is written <em>before</em> {@code patch} runs, so a run killed mid-way still leaves
 * a complete list. Taking a slot restores exactly those paths to hardlinks of the pristine files
 * (deleting what the patches created), which makes the tree identical to a fresh {@code cp -al}:
 * nothing else writes into a source tree (GNU patch replaces files by rename, kbuild with O=
 * writes only into the build dir). A slot without that file, or one whose restore fails, is
 * rebuilt from scratch.
 */
final class RunSlot implements AutoCloseable {
    private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();
    private static final String DIRTY = "dirty";

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private RunSlot(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the first free slot under {@code runs}, creating one when all are busy. */
    static RunSlot acquire(Path runs) {
        try {
            Files.createDirectories(runs);
            for (int n = 0; ; n++) {
                Path dir = runs.resolve("slot-" + n).toAbsolutePath().normalize();
                if (!HELD_IN_THIS_JVM.add(dir)) {
                    continue;
                }
                Files.createDirectories(dir);
                FileChannel ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = ch.tryLock();
                if (lock != null) {
                    return new RunSlot(dir, ch, lock);
                }
                ch.close();
                HELD_IN_THIS_JVM.remove(dir);
            }
        } catch (IOException e) {
            throw new KelpException(runs + ": cannot take a run directory in the build cache: " + e.getMessage(), e);
        }
    }

    Path dir() {
        return dir;
    }

    /**
     * Makes {@code linux} a pristine copy of {@code pristine}: restores the paths the last run
     * recorded, or (first use, or an unreadable record) links the whole tree afresh.
     */
    void makePristine(Path pristine, Runnable linkAfresh) {
        Path src = dir.resolve("linux");
        Path dirtyFile = dir.resolve(DIRTY);
        boolean restored = false;
        if (Files.isDirectory(src) && Files.isRegularFile(dirtyFile)) {
            try {
                for (String rel : Files.readAllLines(dirtyFile)) {
                    if (!rel.isBlank()) {
                        restore(pristine, src, rel);
                    }
                }
                restored = true;
            } catch (IOException | RuntimeException e) {
                restored = false; // fall through to a fresh copy: a slot is only a cache
            }
        }
        if (!restored) {
            TreeCache.deleteTree(src);
            linkAfresh.run();
        }
        writeDirty(List.of());
    }

    /** Records {@code paths} (relative to the source root) as possibly changed, before they are. */
    void markDirty(Collection<String> paths) {
        Set<String> all = new LinkedHashSet<>(readDirty());
        all.addAll(paths);
        writeDirty(new ArrayList<>(all));
    }

    private List<String> readDirty() {
        try {
            Path f = dir.resolve(DIRTY);
            return Files.isRegularFile(f) ? Files.readAllLines(f) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeDirty(List<String> paths) {
        Path tmp = dir.resolve(DIRTY + ".tmp");
        try {
            Files.write(tmp, paths);
            Files.move(tmp, dir.resolve(DIRTY), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Puts back one path: the pristine file's hardlink (or symlink), or nothing if it has none. */
    static void restore(Path pristine, Path src, String rel) throws IOException {
        Path relPath = Path.of(rel).normalize();
        if (relPath.isAbsolute() || relPath.startsWith("..") || relPath.toString().isEmpty()) {
            throw new IOException("not a path inside the tree: " + rel);
        }
        Path copy = src.resolve(relPath);
        Path orig = pristine.resolve(relPath);
        if (Files.isDirectory(copy, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(rel + " is a directory"); // patches change files: rebuild the slot
        }
        Files.deleteIfExists(copy);
        if (Files.isSymbolicLink(orig)) {
            Files.createDirectories(copy.getParent());
            Files.createSymbolicLink(copy, Files.readSymbolicLink(orig));
        } else if (Files.isRegularFile(orig, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(copy.getParent());
            Files.createLink(copy, orig);
        } else {
            removeEmptyDirsCreatedByPatch(pristine, src, relPath.getParent());
        }
    }

    private static void removeEmptyDirsCreatedByPatch(Path pristine, Path src, Path rel) throws IOException {
        for (Path d = rel; d != null; d = d.getParent()) {
            Path copy = src.resolve(d);
            if (Files.exists(pristine.resolve(d)) || !Files.isDirectory(copy)) {
                return;
            }
            try (Stream<Path> s = Files.list(copy)) {
                if (s.findAny().isPresent()) {
                    return;
                }
            }
            Files.delete(copy);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            HELD_IN_THIS_JVM.remove(dir);
        }
    }
}
