package dev.kelp.build;

import dev.kelp.csource.UnifiedDiff;
import dev.kelp.util.KelpException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff as {@code git format-patch} or {@code diff -u} writes it, read far enough to know
 * which files it touches (paths relative to the kernel tree, after stripping the {@code a/}
 * {@code b/} component like {@code patch -p1}): a summary of {@link UnifiedDiff}, which counts
 * hunk lines rather than trusting a {@code ---} line to start the next file.
 *
 * @param file  the patch file
 * @param files the touched files, in patch order
 */
public record PatchFile(Path file, List<FileChange> files) {

    /**
     * One file's change.
     *
     * @param path    the path in the kernel tree (the new path; the old one for a deletion)
     * @param created the file is new
     * @param deleted the file is removed
     * @param hunks   the number of hunks
     */
    public record FileChange(String path, boolean created, boolean deleted, int hunks) {
        public boolean isHeader() {
            return path.endsWith(".h");
        }

        public boolean isC() {
            return path.endsWith(".c");
        }
    }

    public static PatchFile read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new KelpException(file + ": cannot read the patch: " + e.getMessage(), e);
        }
        return parse(file, lines);
    }

    static PatchFile parse(Path file, List<String> lines) {
        UnifiedDiff diff = UnifiedDiff.parse(file.toString(), String.join("\n", lines));
        List<FileChange> changes = new ArrayList<>();
        for (UnifiedDiff.FileDiff f : diff.files()) {
            String oldPath = stripFirst(f.oldPath());
            String newPath = stripFirst(f.newPath());
            if (oldPath == null && newPath == null) {
                throw new KelpException(file + ": a file header names /dev/null twice");
            }
            changes.add(new FileChange(newPath == null ? oldPath : newPath, oldPath == null, newPath == null, f.hunks().size()));
        }
        return new PatchFile(file, List.copyOf(changes));
    }

    /** The tree path of a ---/+++ header path: the first component stripped, like patch -p1. */
    private static String stripFirst(String p) {
        if (p == null) {
            return null;
        }
        int slash = p.indexOf('/');
        return slash < 0 ? p : p.substring(slash + 1);
    }
}
