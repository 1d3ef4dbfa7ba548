package dev.kelp.build;

import dev.kelp.csource.CEntity;
import dev.kelp.csource.ScannedFile;
import dev.kelp.csource.SourceChange;
import dev.kelp.csource.Touch;
import dev.kelp.csource.UnifiedDiff;
import dev.kelp.util.KelpException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the patches touch in the C source, function by function: each hunk's lines are looked up
 * in the original file (removed lines) and in the patched file (added lines), with the function
 * extents of the C scanner ({@link dev.kelp.csource}). This tells a function the patch edits
 * ("changed") from one whose code changed only because an edited function was inlined into it
 * ("caller of an inlined change: f"), which the object code alone cannot tell apart.
 */
final class SourceTouches {
    /** GCC's clone suffixes: the function is a specialised copy of the one before the suffix. */
    private static final Pattern CLONE = Pattern.compile("^(.+?)\\.(isra|constprop|part|cold)\\.\\d+.*$");

    /** File → functions whose own code the patches change. */
    private final Map<String, Set<String>> touchedFunctions;
    /** File → its entities after the last patch (for the calls between its functions). */
    private final Map<String, ScannedFile> patched;
    /** Every non-function entity whose code the patches change, in any file (macros, data, types …). */
    private final List<CEntity> otherTouches;
    /** Files whose hunks could not be located exactly (patch(1) applied them with fuzz). */
    private final Set<String> unmapped;

    private SourceTouches(Map<String, Set<String>> touchedFunctions, Map<String, ScannedFile> patched,
            List<CEntity> otherTouches, Set<String> unmapped) {
        this.touchedFunctions = touchedFunctions;
        this.patched = patched;
        this.otherTouches = otherTouches;
        this.unmapped = unmapped;
    }

    /** No source information: every reason stays the differ's. */
    static final SourceTouches NONE = new SourceTouches(Map.of(), Map.of(), List.of(), Set.of());

    /**
     * Applies {@code patches} in order, in memory, to the files of {@code srcDir} (the pristine
     * tree, never written) and maps their hunks. Only {@code .c} and header files are read.
     */
    static SourceTouches of(Path srcDir, List<Path> patches) {
        Map<String, String> texts = new HashMap<>();
        Map<String, Set<String>> touched = new LinkedHashMap<>();
        Map<String, ScannedFile> patched = new LinkedHashMap<>();
        List<CEntity> others = new ArrayList<>();
        Set<String> unmapped = new LinkedHashSet<>();
        for (Path patch : patches) {
            UnifiedDiff diff;
            try {
                diff = UnifiedDiff.parse(patch.toString(), read(patch).orElse(""));
            } catch (KelpException e) {
                return NONE; // patch(1) applied it, but it is beyond the reader: keep the differ's reasons
            }
            for (UnifiedDiff.FileDiff fd : diff.files()) {
                String path = stripFirst(fd.newPath() != null ? fd.newPath() : fd.oldPath());
                if (!path.endsWith(".c") && !path.endsWith(".h")) {
                    continue;
                }
                String old = texts.computeIfAbsent(path, p -> fd.oldPath() == null ? "" : read(srcDir.resolve(p)).orElse(""));
                SourceChange change;
                try {
                    change = SourceChange.of(patch.toString(), path, fd, old);
                } catch (KelpException e) {
                    unmapped.add(path);
                    continue;
                }
                texts.put(path, change.file().newText());
                patched.put(path, change.after());
                touched.computeIfAbsent(path, p -> new LinkedHashSet<>()).addAll(change.touchedFunctions());
                for (Touch t : change.codeTouches()) {
                    CEntity.Kind k = t.entity().kind();
                    if (k == CEntity.Kind.MACRO || k == CEntity.Kind.DATA || k == CEntity.Kind.TYPE
                            || k == CEntity.Kind.MACRO_USE) {
                        others.add(t.entity());
                    }
                }
            }
        }
        return new SourceTouches(touched, patched, others, unmapped);
    }

    /** The functions whose own lines the patches change in {@code file} (empty when it is not touched). */
    Set<String> touchedFunctions(String file) {
        return touchedFunctions.getOrDefault(file, Set.of());
    }

    /** "changed (isra clone of f)" for a clone, else the differ's reason. */
    static String cloneReason(String name, String reason) {
        Matcher m = CLONE.matcher(name);
        if (reason.equals("changed") && m.matches()) {
            return "changed (" + m.group(2) + " clone of " + m.group(1) + ")";
        }
        return reason;
    }

    /**
     * Why a function of the unit compiled from {@code source} (which the patch edits) is in the
     * livepatch. The differ's "changed" stands when the patch touches the function's own lines
     * (or those of the function a GCC clone was made from); otherwise its code changed through a
     * touched function inlined into it, found by following the calls between the file's
     * functions, or through a touched macro, type or variable it uses.
     *
     * @param diffWhy the differ's reason ("changed", "changed (isra clone of f)", "new", "needed by …")
     */
    String explain(String source, String function, String diffWhy) {
        if (!diffWhy.startsWith("changed") || unmapped.contains(source) || !patched.containsKey(source)) {
            return diffWhy;
        }
        Matcher m = CLONE.matcher(function);
        String base = m.matches() ? m.group(1) : function;
        String clone = m.matches() ? " (" + m.group(2) + " clone of " + base + ")" : "";
        if (touchedFunctions(source).contains(base)) {
            return diffWhy;
        }
        ScannedFile file = patched.get(source);
        Map<String, CEntity> bySymbol = new HashMap<>();
        for (CEntity f : file.functions()) {
            bySymbol.putIfAbsent(f.symbol(), f);
        }
        if (!bySymbol.containsKey(base)) {
            return diffWhy; // defined by a construct the scanner does not read: no better reason known
        }
        Set<String> allTouched = new HashSet<>();
        touchedFunctions.values().forEach(allTouched::addAll);
        Set<String> inlined = new LinkedHashSet<>();
        Set<String> used = new LinkedHashSet<>();
        Set<String> seen = new HashSet<>(Set.of(base));
        Deque<String> work = new ArrayDeque<>(List.of(base));
        while (!work.isEmpty()) {
            CEntity f = bySymbol.get(work.poll());
            for (String id : f.identifiers()) {
                if (allTouched.contains(id) && !id.equals(base)) {
                    inlined.add(id);
                } else if (bySymbol.containsKey(id) && seen.add(id)) {
                    work.add(id);
                }
                for (CEntity e : otherTouches) {
                    if (e.names().contains(id)) {
                        used.add(e.kind().label() + " " + id);
                    }
                }
            }
        }
        if (!inlined.isEmpty()) {
            return "caller of an inlined change: " + String.join(", ", inlined) + clone;
        }
        if (!used.isEmpty()) {
            return "uses a changed " + String.join(", ", used) + clone;
        }
        return "changed, though the patch does not touch its source" + clone;
    }

    /** a/fs/x.c → fs/x.c, as {@code patch -p1} reads it. */
    private static String stripFirst(String path) {
        int slash = path.indexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.ISO_8859_1));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
