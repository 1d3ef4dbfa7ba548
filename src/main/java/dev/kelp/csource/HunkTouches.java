package dev.kelp.csource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one hunk of a patch touches: the file-scope entities holding its removed lines (in the
 * original file) and its added lines (in the patched file), each once, with whether it was
 * modified, added or deleted and whether only comments or blank lines of it changed.
 * {@code outsideLines} counts changed lines that belong to no entity (comments or blank lines
 * between definitions); {@code outsideCode} is true when some of them hold code the scanner
 * could not attribute. The touches carry no users (finding them is the caller's business).
 */
public record HunkTouches(PatchedFile.LocatedHunk hunk, List<Touch> touches, int outsideLines, boolean outsideCode) {

    /** The touches of every hunk of {@code file}, scanned as {@code before} (original) and {@code after} (patched). */
    public static List<HunkTouches> of(PatchedFile file, ScannedFile before, ScannedFile after) {
        List<HunkTouches> out = new ArrayList<>();
        for (PatchedFile.LocatedHunk h : file.hunks()) {
            Map<String, Touch> touches = new LinkedHashMap<>();
            Set<Integer> outside = new LinkedHashSet<>();
            boolean outsideCode = false;
            outsideCode |= collect(before, h.removedOld(), after, true, touches, outside, file.path());
            outsideCode |= collect(after, h.addedNew(), before, false, touches, outside, file.path());
            pairRewrittenDirectives(touches);
            out.add(new HunkTouches(h, List.copyOf(touches.values()), outside.size(), outsideCode));
        }
        return out;
    }

    /** Adds the entities of {@code scan} holding {@code lines}; returns true when a code line fell outside all. */
    private static boolean collect(ScannedFile scan, List<Integer> lines, ScannedFile other, boolean isOld,
            Map<String, Touch> touches, Set<Integer> outside, String path) {
        boolean outsideCode = false;
        for (int line : lines) {
            List<CEntity> at = scan.at(line);
            boolean code = scan.codeLines().contains(line);
            if (at.isEmpty()) {
                outside.add(line);
                outsideCode |= code;
                continue;
            }
            for (CEntity e : at) {
                // functions by symbol: a definition macro may change while the function stays
                // (SYSCALL_DEFINE1(x) → KPATCH_SYSCALL_DEFINE1(x) both hold __do_sys_x)
                boolean fn = e.kind() == CEntity.Kind.FUNCTION;
                String key = e.kind() + ":" + (fn ? e.symbol() : e.name());
                boolean inOther = fn ? other.functions().stream().anyMatch(o -> o.symbol().equals(e.symbol()))
                        : other.named(e.name()).stream().anyMatch(o -> o.kind() == e.kind());
                Touch.Change change = inOther ? Touch.Change.MODIFIED
                        : isOld ? Touch.Change.DELETED : Touch.Change.ADDED;
                Touch prev = touches.get(key);
                boolean commentOnly = !code && (prev == null || prev.commentOnly());
                Touch.Change merged = prev == null || prev.change() == change ? change : Touch.Change.MODIFIED;
                touches.put(key, new Touch(path, prev == null ? e : prev.entity(), merged, commentOnly, List.of()));
            }
        }
        return outsideCode;
    }

    /**
     * A directive has no name of its own, so a rewritten one ({@code #ifdef X} → {@code #if
     * defined(X)}) shows as one deleted and one added; within a hunk, pair them by directive word.
     */
    private static void pairRewrittenDirectives(Map<String, Touch> touches) {
        List<String> keys = new ArrayList<>(touches.keySet());
        for (String del : keys) {
            Touch d = touches.get(del);
            if (d == null || d.entity().kind() != CEntity.Kind.DIRECTIVE || d.change() != Touch.Change.DELETED) {
                continue;
            }
            for (String add : keys) {
                Touch a = touches.get(add);
                if (a != null && a.entity().kind() == CEntity.Kind.DIRECTIVE && a.change() == Touch.Change.ADDED
                        && sameWord(a.entity(), d.entity())) {
                    touches.remove(del);
                    touches.put(add, new Touch(a.file(), a.entity(), Touch.Change.MODIFIED,
                            a.commentOnly() && d.commentOnly(), a.users()));
                    break;
                }
            }
        }
    }

    private static boolean sameWord(CEntity a, CEntity b) {
        String wa = a.note() == null ? "" : a.note();
        String wb = b.note() == null ? "" : b.note();
        return wa.equals(wb) || (wa.startsWith("if") && wb.startsWith("if"));
    }
}
