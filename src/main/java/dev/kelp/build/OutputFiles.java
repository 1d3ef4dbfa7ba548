package dev.kelp.build;

import dev.kelp.util.KelpException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The files {@code kelp build} gives the user (the module, the report): checked before the
 * build starts, so a bad {@code -o} fails in a second rather than after minutes of compiling,
 * and installed in one rename, so a failed or killed run never leaves a half-written file that
 * looks complete.
 */
final class OutputFiles {
    private OutputFiles() {
    }

    /**
     * Fails unless {@code file} can be written: not a directory, its directory exists or can be
     * created, and a file can be created there (tried, since permissions alone do not tell for
     * root or for read-only and pseudo file systems).
     */
    static void checkWritable(Path file, String what) {
        if (Files.isDirectory(file)) {
            throw new KelpException(file + ": is a directory; give the path of the file to write " + what + " to");
        }
        Path dir = directoryOf(file);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new KelpException(file + ": cannot write " + what + " there (" + reason(e) + "); choose another path", e);
        }
        try {
            Files.delete(Files.createTempFile(dir, ".kelp-probe", ".tmp"));
        } catch (IOException | UnsupportedOperationException e) {
            throw new KelpException(file + ": cannot write " + what + " there (" + dir + " does not accept new files);"
                    + " choose another path", e);
        }
    }

    /** Fails when an output would overwrite (or, on failure, remove) one of the inputs. */
    static void checkNotAnInput(Path output, String what, java.util.Collection<Path> inputs) {
        for (Path in : inputs) {
            if (sameFile(output, in)) {
                throw new KelpException(output + ": would overwrite the input " + in + "; write " + what + " to another file");
            }
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            if (Files.exists(a) && Files.exists(b)) {
                return Files.isSameFile(a, b);
            }
        } catch (IOException e) {
            // unreadable: compared by name below
        }
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    /** Fails unless {@code dir} is, or can be made, a directory that accepts new files (the build cache). */
    static void checkCacheDir(Path dir) {
        String fix = "; choose another with --cache DIR or $KELP_CACHE";
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new KelpException(dir + ": cannot hold the build cache: not a directory" + fix);
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new KelpException(dir + ": cannot hold the build cache (cannot create it: " + reason(e) + ")" + fix, e);
        }
        try {
            Files.delete(Files.createTempFile(dir, ".kelp-probe", ".tmp"));
        } catch (IOException | UnsupportedOperationException e) {
            throw new KelpException(dir + ": cannot hold the build cache (it does not accept new files)" + fix, e);
        }
    }

    /**
     * Removes the module or report an earlier run left at {@code file}: when this run fails (or is
     * killed), that one must not pass for its result ({@code kelp diff} does the same with its OUT.o).
     */
    static void removeStale(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new KelpException(file + ": cannot remove the file an earlier run left (" + reason(e) + ")", e);
        }
    }

    /** Copies {@code built} to {@code dest} through a temporary file in dest's directory and a rename. */
    static void install(Path built, Path dest) {
        Path dir = directoryOf(dest);
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + dest.getFileName(), ".tmp");
            Files.copy(built, tmp, StandardCopyOption.REPLACE_EXISTING);
            try {
                Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new KelpException(dest + ": cannot write the module (" + reason(e) + ")", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // the temporary's name starts with a dot and ends in .tmp: not mistaken for a module
                }
            }
        }
    }

    private static Path directoryOf(Path file) {
        Path parent = file.toAbsolutePath().normalize().getParent();
        return parent != null ? parent : Path.of("/");
    }

    private static String reason(Exception e) {
        if (e instanceof NoSuchFileException n) {
            return "no such directory: " + n.getFile();
        }
        if (e instanceof FileAlreadyExistsException f) {
            return "not a directory: " + f.getFile();
        }
        if (e instanceof java.nio.file.AccessDeniedException a) {
            return "permission denied: " + a.getFile();
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason() + ": " + f.getFile();
        }
        return String.valueOf(e.getMessage());
    }
}
