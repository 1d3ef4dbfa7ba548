package dev.kelp.csource;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One file of a patch, applied in memory and scanned before and after: the original and
 * patched entities and what each hunk touches.
 *
 * @param file   the file with its original and patched text and where each hunk landed
 * @param before the original text's entities
 * @param after  the patched text's entities
 * @param hunks  what each hunk touches
 */
public record SourceChange(PatchedFile file, ScannedFile before, ScannedFile after, List<HunkTouches> hunks) {

    /**
     * Applies {@code diff} to {@code oldText} (empty for a new file) and maps its hunks.
     *
     * @param patchName names the patch in messages
     * @param path      the file's path in the tree, for messages and {@link Touch#file()}
     */
    public static SourceChange of(String patchName, String path, UnifiedDiff.FileDiff diff, String oldText) {
        PatchedFile pf = PatchedFile.apply(patchName, path, diff, oldText);
        ScannedFile before = CScanner.scan(path, oldText);
        ScannedFile after = CScanner.scan(path, diff.newPath() == null ? "" : pf.newText());
        return new SourceChange(pf, before, after, List.copyOf(HunkTouches.of(pf, before, after)));
    }

    /**
     * The symbols of the functions whose own code the patch changes, added or removed (changes
     * that touch only comments or blank lines inside a function do not count).
     */
    public Set<String> touchedFunctions() {
        Set<String> names = new LinkedHashSet<>();
        for (HunkTouches h : hunks) {
            for (Touch t : h.touches()) {
                if (t.entity().kind() == CEntity.Kind.FUNCTION && !t.commentOnly()) {
                    names.add(t.entity().symbol());
                }
            }
        }
        return names;
    }

    /** Every entity whose code the patch changes (not only comments), functions included. */
    public List<Touch> codeTouches() {
        return hunks.stream().flatMap(h -> h.touches().stream()).filter(t -> !t.commentOnly()).toList();
    }
}
