package dev.kelp.csource;

import dev.kelp.util.KelpException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One file of a patch applied in memory to its original text. Each hunk is located the way
 * patch(1) does without fuzz: at the line its header names, or else at the nearest place
 * where its context and removed lines match exactly. Nothing is written to disk.
 */
public record PatchedFile(String path, String oldText, String newText, List<LocatedHunk> hunks) {

    /**
     * Where a hunk landed. {@code removedOld} are old line numbers of '-' lines, {@code addedNew}
     * new line numbers of '+' lines (1-based); {@code oldStart}/{@code newStart} the first line
     * of the hunk in each version.
     */
    public record LocatedHunk(int index, UnifiedDiff.Hunk hunk, int oldStart, int newStart,
            List<Integer> removedOld, List<Integer> addedNew) {
    }

    /** {@code path} names the file in messages (the tree-relative path the patch was resolved to). */
    public static PatchedFile apply(String patchName, String path, UnifiedDiff.FileDiff fd, String oldText) {
        List<String> old = lines(oldText);
        List<String> out = new ArrayList<>();
        List<LocatedHunk> located = new ArrayList<>();
        int copied = 0;
        for (int h = 0; h < fd.hunks().size(); h++) {
            UnifiedDiff.Hunk hunk = fd.hunks().get(h);
            int at = locate(old, hunk, copied);
            if (at < 0) {
                throw new KelpException(patchName + ": hunk " + (h + 1) + " of " + path + " (@@ -" + hunk.oldStart()
                        + "," + hunk.oldCount() + ") does not match the original file; is the source tree the one"
                        + " the patch was made against?");
            }
            out.addAll(old.subList(copied, at));
            int oldLine = at + 1;
            int newStart = out.size() + 1;
            List<Integer> removed = new ArrayList<>();
            List<Integer> added = new ArrayList<>();
            for (String l : hunk.lines()) {
                switch (l.charAt(0)) {
                    case ' ' -> {
                        out.add(l.substring(1));
                        oldLine++;
                    }
                    case '-' -> removed.add(oldLine++);
                    default -> {
                        out.add(l.substring(1));
                        added.add(out.size());
                    }
                }
            }
            located.add(new LocatedHunk(h + 1, hunk, at + 1, newStart, List.copyOf(removed), List.copyOf(added)));
            copied = oldLine - 1;
        }
        out.addAll(old.subList(copied, old.size()));
        return new PatchedFile(path, oldText, String.join("\n", out) + "\n", List.copyOf(located));
    }

    /** 0-based index of the hunk's first old line, nearest to where its header says; -1 if nowhere. */
    private static int locate(List<String> old, UnifiedDiff.Hunk hunk, int from) {
        List<String> want = hunk.oldLines();
        int expected = hunk.oldCount() == 0 ? hunk.oldStart() : hunk.oldStart() - 1;
        if (want.isEmpty()) {
            return Math.max(from, Math.min(expected, old.size()));
        }
        int best = -1;
        for (int p = from; p + want.size() <= old.size(); p++) {
            if (old.subList(p, p + want.size()).equals(want)
                    && (best < 0 || Math.abs(p - expected) < Math.abs(best - expected))) {
                best = p;
            }
        }
        return best;
    }

    public static List<String> lines(String text) {
        List<String> l = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        if (!l.isEmpty() && l.get(l.size() - 1).isEmpty()) {
            l.remove(l.size() - 1);
        }
        return l;
    }
}
