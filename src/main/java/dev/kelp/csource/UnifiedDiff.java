package dev.kelp.csource;

import dev.kelp.util.KelpException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A unified diff (plain {@code diff -u}, {@code git diff} or {@code git format-patch} mail) as
 * files and hunks. Text outside file sections (mail headers, commit message, diffstat, the
 * signature after the last hunk) is ignored; hunk bodies are read by their line counts.
 */
public record UnifiedDiff(List<FileDiff> files) {

    /** One file's hunks. A path is null for {@code /dev/null} (file added or deleted). */
    public record FileDiff(String oldPath, String newPath, List<Hunk> hunks) {
        /** The path that names the file in the source tree: the old one, or the new one when added. */
        public String path() {
            return oldPath != null ? oldPath : newPath;
        }
    }

    /**
     * One hunk. {@code lines} keep their first character: ' ' context, '-' removed, '+' added.
     * {@code oldStart}/{@code newStart} are 1-based as written in the {@code @@} line.
     */
    public record Hunk(int oldStart, int oldCount, int newStart, int newCount, List<String> lines) {
        public List<String> oldLines() {
            return lines.stream().filter(l -> l.charAt(0) != '+').map(l -> l.substring(1)).toList();
        }

        public List<String> newLines() {
            return lines.stream().filter(l -> l.charAt(0) != '-').map(l -> l.substring(1)).toList();
        }
    }

    private static final Pattern HUNK = Pattern.compile("@@ -(\\d+)(?:,(\\d+))? \\+(\\d+)(?:,(\\d+))? @@.*");

    public static UnifiedDiff parse(String name, String text) {
        String[] lines = text.split("\n", -1);
        List<FileDiff> files = new ArrayList<>();
        int i = 0;
        while (i < lines.length) {
            String l = lines[i];
            if (l.startsWith("GIT binary patch") || l.startsWith("Binary files ")) {
                throw new KelpException(name + ":" + (i + 1) + ": binary diffs are not supported");
            }
            if (l.startsWith("--- ") && i + 1 < lines.length && lines[i + 1].startsWith("+++ ")) {
                String oldPath = path(l.substring(4));
                String newPath = path(lines[i + 1].substring(4));
                i += 2;
                List<Hunk> hunks = new ArrayList<>();
                while (i < lines.length && lines[i].startsWith("@@")) {
                    i = hunk(name, lines, i, hunks);
                }
                if (hunks.isEmpty()) {
                    throw new KelpException(name + ":" + i + ": no hunk after '+++ " + lines[i - 1].substring(4) + "'");
                }
                files.add(new FileDiff(oldPath, newPath, List.copyOf(hunks)));
            } else {
                i++;
            }
        }
        if (files.isEmpty()) {
            throw new KelpException(name + ": not a unified diff (no '--- a/…' / '+++ b/…' file header found)");
        }
        return new UnifiedDiff(List.copyOf(files));
    }

    private static int hunk(String name, String[] lines, int at, List<Hunk> out) {
        Matcher m = HUNK.matcher(lines[at]);
        if (!m.matches()) {
            throw new KelpException(name + ":" + (at + 1) + ": malformed hunk header: " + lines[at]);
        }
        int oldStart = Integer.parseInt(m.group(1));
        int oldCount = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
        int newStart = Integer.parseInt(m.group(3));
        int newCount = m.group(4) == null ? 1 : Integer.parseInt(m.group(4));
        List<String> body = new ArrayList<>();
        int o = 0;
        int n = 0;
        int i = at + 1;
        while (o < oldCount || n < newCount) {
            if (i >= lines.length) {
                throw new KelpException(name + ":" + (at + 1) + ": hunk ends early (expected " + oldCount + " old and "
                        + newCount + " new lines): is the patch truncated or edited by hand?");
            }
            String l = lines[i++];
            if (l.startsWith("\\")) {
                continue;
            }
            char c = l.isEmpty() ? ' ' : l.charAt(0);
            String rest = l.isEmpty() ? "" : l.substring(1);
            switch (c) {
                case ' ' -> {
                    o++;
                    n++;
                }
                case '-' -> o++;
                case '+' -> n++;
                default -> throw new KelpException(name + ":" + i + ": unexpected line inside a hunk: " + l);
            }
            body.add(c + rest);
        }
        while (i < lines.length && lines[i].startsWith("\\")) {
            i++;
        }
        if (o != oldCount || n != newCount) {
            throw new KelpException(name + ":" + (at + 1) + ": hunk line counts do not match its header");
        }
        out.add(new Hunk(oldStart, oldCount, newStart, newCount, List.copyOf(body)));
        return i;
    }

    /** Drops a trailing tab and timestamp; {@code /dev/null} becomes null. */
    private static String path(String field) {
        String p = field.contains("\t") ? field.substring(0, field.indexOf('\t')) : field.strip();
        return p.equals("/dev/null") ? null : p;
    }
}
