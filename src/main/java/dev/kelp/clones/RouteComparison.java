package dev.kelp.clones;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compares the source route (steps a and b) with the binary route (the functions whose compiled
 * code differs between the original and the patched build), function by function, and says why
 * they disagree when the reason is one of the known ones.
 */
public final class RouteComparison {

    /** How the two routes relate for one function. */
    public enum Verdict {
        /** Both routes patch it. */
        AGREE,
        /** Only the source route lists it, but it has no symbol: the binary route patches it through its hosts. */
        AGREE_NO_SYMBOL,
        /** Only the source route lists it. */
        SOURCE_ONLY,
        /** Only the binary route finds its code changed. */
        BINARY_ONLY
    }

    public record Row(String object, String function, Verdict verdict, String reason) {
    }

    private RouteComparison() {
    }

    /**
     * @param source  step (b)'s result
     * @param mapping step (a)'s result for the same patch (null with --functions)
     * @param binary  changed functions per target object, from the binary route
     */
    public static List<Row> compare(ClonesAnalysis.Result source, PatchMapping mapping, Map<String, Set<String>> binary) {
        Map<String, PatchedFile> files = new LinkedHashMap<>();
        Map<String, ScannedFile> patched = new LinkedHashMap<>();
        if (mapping != null) {
            for (PatchedFile pf : mapping.files()) {
                files.put(pf.path(), pf);
                patched.put(pf.path(), CScanner.scan(pf.path(), pf.newText()));
            }
        }
        List<Row> rows = new ArrayList<>();
        Map<String, Map<String, AffectedFunction>> src = new LinkedHashMap<>();
        source.byObject().forEach((obj, fs) -> fs.forEach(a ->
                src.computeIfAbsent(obj, k -> new LinkedHashMap<>()).putIfAbsent(a.name(), a)));
        Set<String> objects = new LinkedHashSet<>(src.keySet());
        objects.addAll(binary.keySet());
        for (String obj : objects) {
            Map<String, AffectedFunction> s = src.getOrDefault(obj, Map.of());
            Set<String> b = binary.getOrDefault(obj, Set.of());
            for (AffectedFunction a : s.values()) {
                if (b.contains(a.name())) {
                    rows.add(new Row(obj, a.name(), Verdict.AGREE, a.describeChain()));
                } else if (a.presence() == Presence.NO_SYMBOL) {
                    rows.add(new Row(obj, a.name(), Verdict.AGREE_NO_SYMBOL, "no symbol of its own ("
                            + a.presenceReason() + "); its code is replaced with the functions it went into"));
                } else {
                    rows.add(new Row(obj, a.name(), Verdict.SOURCE_ONLY, sourceOnlyReason(a, mapping)));
                }
            }
            for (String f : b) {
                if (!s.containsKey(f)) {
                    rows.add(new Row(obj, f, Verdict.BINARY_ONLY, binaryOnlyReason(f, s.keySet(), patched, files)));
                }
            }
        }
        return rows;
    }

    private static String sourceOnlyReason(AffectedFunction a, PatchMapping mapping) {
        Optional<StartFunction> start = mapping == null ? Optional.empty() : mapping.starts().stream()
                .filter(s -> s.function().equals(a.start())).findFirst();
        String via = a.isStart() ? "" : " (" + a.describeChain() + ")";
        if (start.isPresent() && start.get().reason().startsWith("uses ")) {
            return "the source route counts every function that " + start.get().reason() + via
                    + ", but its compiled code did not change";
        }
        if (!a.isStart()) {
            return "holds a copy of " + a.start() + via + ", but the copy compiled to the same code (the changed"
                    + " part was optimised away in this context)";
        }
        return "changed in the source but compiled to the same code (reason unknown)";
    }

    private static String binaryOnlyReason(String f, Set<String> sourceNames, Map<String, ScannedFile> patched,
            Map<String, PatchedFile> files) {
        for (String s : sourceNames) {
            if (f.startsWith(s + ".")) {
                return "a compiler clone of " + s + " that the dump does not list (the patched build cloned it"
                        + " differently)";
            }
        }
        int dot = f.indexOf('.');
        String base = dot > 0 ? f.substring(0, dot) : f;
        for (Map.Entry<String, ScannedFile> e : patched.entrySet()) {
            for (CEntity fn : e.getValue().functions()) {
                if (!fn.symbol().equals(base)) {
                    continue;
                }
                PatchedFile pf = files.get(e.getKey());
                if (pf != null && linesMoved(pf, fn.startLine())) {
                    return "not touched by the patch, but an earlier hunk in " + e.getKey() + " moved its lines:"
                            + " __LINE__ (WARN/BUG, lockdep, printk) is compiled into it";
                }
                return "defined in " + e.getKey() + " but not touched by the patch; its code differs (reason unknown)";
            }
        }
        return "not in any file the patch touches (reason unknown: a header the scanner did not follow?)";
    }

    /** True when some hunk before {@code newLine} changed the line count. */
    static boolean linesMoved(PatchedFile pf, int newLine) {
        int delta = 0;
        for (PatchedFile.LocatedHunk h : pf.hunks()) {
            if (h.newStart() < newLine) {
                delta += h.addedNew().size() - h.removedOld().size();
            }
        }
        return delta != 0;
    }
}
