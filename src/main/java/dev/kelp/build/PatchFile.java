package dev.kelp.build;

import dev.kelp.util.KelpException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A unified diff as {@code git format-patch} or {@code diff -u} writes it, read far enough to know
 * which files it touches (paths relative to the kernel tree, after stripping the {@code a/}
 * {@code b/} component like {@code patch -p1}). Hunks are counted, not trusted to end at a
 * {@code ---} line, because a removed line may itself start with {@code --}.
 *
 * @param file  the patch file
 * @param files the touched files, in patch order
 */
public record PatchFile(Path file, List<FileChange> files) {
    private static final Pattern HUNK = Pattern.compile("^@@ -(\\d+)(?:,(\\d+))? \\+(\\d+)(?:,(\\d+))? @@.*");

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
        List<FileChange> changes = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            if (line.startsWith("--- ") && i + 1 < lines.size() && lines.get(i + 1).startsWith("+++ ")) {
                String oldPath = pathOf(lines.get(i).substring(4));
                String newPath = pathOf(lines.get(i + 1).substring(4));
                i += 2;
                int hunks = 0;
                while (i < lines.size()) {
                    Matcher h = HUNK.matcher(lines.get(i));
                    if (!h.matches()) {
                        break;
                    }
                    hunks++;
                    int oldCount = h.group(2) == null ? 1 : Integer.parseInt(h.group(2));
                    int newCount = h.group(4) == null ? 1 : Integer.parseInt(h.group(4));
                    i++;
                    while ((oldCount > 0 || newCount > 0) && i < lines.size()) {
                        String body = lines.get(i);
                        char c = body.isEmpty() ? ' ' : body.charAt(0);
                        if (c == ' ') {
                            oldCount--;
                            newCount--;
                        } else if (c == '-') {
                            oldCount--;
                        } else if (c == '+') {
                            newCount--;
                        } else if (c != '\\') {
                            throw new KelpException(file + ":" + (i + 1) + ": malformed hunk (unexpected line '"
                                    + abbreviate(body) + "'): is the patch truncated or edited by hand?");
                        }
                        i++;
                    }
                    if (oldCount > 0 || newCount > 0) {
                        throw new KelpException(file + ": the last hunk of " + newPath + " is truncated");
                    }
                    while (i < lines.size() && lines.get(i).startsWith("\\")) {
                        i++;
                    }
                }
                if (hunks == 0) {
                    throw new KelpException(file + ":" + i + ": no hunk after the header of " + newPath);
                }
                boolean created = oldPath == null;
                boolean deleted = newPath == null;
                if (created && deleted) {
                    throw new KelpException(file + ": a file header names /dev/null twice");
                }
                changes.add(new FileChange(deleted ? oldPath : newPath, created, deleted, hunks));
            } else {
                i++;
            }
        }
        if (changes.isEmpty()) {
            throw new KelpException(file + ": not a unified diff (no '--- a/FILE' / '+++ b/FILE' header found)");
        }
        return new PatchFile(file, List.copyOf(changes));
    }

    /** The tree path of a ---/+++ header: the first component stripped (-p1), a timestamp dropped. */
    private static String pathOf(String header) {
        String p = header.split("\t", 2)[0].strip();
        if (p.equals("/dev/null")) {
            return null;
        }
        int slash = p.indexOf('/');
        return slash < 0 ? p : p.substring(slash + 1);
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "…";
    }
}
