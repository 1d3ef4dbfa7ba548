package dev.kelp.clones;

import dev.kelp.csource.CScanner;
import dev.kelp.csource.CEntity;
import dev.kelp.csource.ScannedFile;
import dev.kelp.csource.PatchedFile;
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
final class RouteComparison {

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
        return compare(source, mapping, BinaryRoute.ofChanged(binary));
    }

    /**
     * @param source  step (b)'s result
     * @param mapping step (a)'s result for the same patch (null with --functions)
     * @param binary  the binary route: changed and new functions per target object, with code deltas
     */
    public static List<Row> compare(ClonesAnalysis.Result source, PatchMapping mapping, BinaryRoute binary) {
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
        objects.addAll(binary.objects());
        for (String obj : objects) {
            Map<String, AffectedFunction> s = src.getOrDefault(obj, Map.of());
            Set<String> b = new LinkedHashSet<>(binary.changedIn(obj));
            b.addAll(binary.addedIn(obj));
            for (AffectedFunction a : s.values()) {
                if (b.contains(a.name())) {
                    rows.add(new Row(obj, a.name(), Verdict.AGREE, a.describeChain()));
                } else if (a.presence() == Presence.NO_SYMBOL) {
                    rows.add(new Row(obj, a.name(), Verdict.AGREE_NO_SYMBOL, "no symbol of its own ("
                            + a.presenceReason() + "); its code is replaced with the functions it went into"));
                } else {
                    rows.add(new Row(obj, a.name(), Verdict.SOURCE_ONLY, binary.refusal(obj, a.name())
                            .map(m -> "the binary route sees the change but refuses it: " + m)
                            .orElseGet(() -> binary.removedIn(obj).contains(a.name())
                                    ? "the patched build no longer has it (the patch removed or renamed it): the binary"
                                            + " route replaces the functions that called it instead"
                                    : sourceOnlyReason(a, mapping))));
                }
            }
            for (String f : b) {
                if (!s.containsKey(f)) {
                    rows.add(new Row(obj, f, Verdict.BINARY_ONLY, binaryOnlyReason(obj, f, s.keySet(), binary, patched, files)));
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

    private static String binaryOnlyReason(String obj, String f, Set<String> sourceNames, BinaryRoute binary,
            Map<String, ScannedFile> patched, Map<String, PatchedFile> files) {
        if (binary.addedIn(obj).contains(f)) {
            return "a function added by the patch: the binary route includes it as new code; the source route lists"
                    + " only existing functions to replace (its callers are what changes)";
        }
        for (String s : sourceNames) {
            if (f.startsWith(s + ".")) {
                return "a compiler clone of " + s + " that the dump does not list (the patched build cloned it"
                        + " differently)";
            }
        }
        Optional<CodeDelta> delta = binary.delta(obj, f);
        if (delta.isPresent()) {
            CodeDelta d = delta.get();
            for (String n : d.referencesNow()) {
                if (binary.addedIn(obj).stream().anyMatch(a -> CodeDelta.mask(a).equals(n))) {
                    return "it now calls or refers to " + n + ", a function added by the patch (" + d.describe() + ")";
                }
            }
            for (String n : d.referencesNow()) {
                if (binary.changedIn(obj).stream().anyMatch(c -> !c.equals(f) && CodeDelta.mask(c).equals(n))
                        || sourceNames.stream().anyMatch(c -> CodeDelta.mask(c).equals(n))) {
                    return "it now refers to " + n + ", a changed function or a new clone of one (" + d.describe() + ")";
                }
            }
        }
        String line = lineShift(f, patched, files);
        if (line != null && (delta.isEmpty() || delta.get().sameReferences())) {
            return line;
        }
        if (delta.isPresent()) {
            CodeDelta d = delta.get();
            if (d.sameReferences() && d.shape() == CodeDelta.Shape.OPERANDS_ONLY) {
                return "only a constant changed: the same instructions and references, only immediate or"
                        + " displacement operands differ (a value the patch changed was folded into it)";
            }
            if (d.sameReferences() && d.shape() == CodeDelta.Shape.LAYOUT_ONLY) {
                return "a difference that is only code layout: the same instructions and references in another"
                        + " order or with other branch distances (" + d.describe() + ")";
            }
            if (d.sameReferences()) {
                return "same references, different instructions (" + d.describe() + "): a constant, an inlined"
                        + " computation or register allocation changed";
            }
            return "its references changed: " + d.describe();
        }
        return definedIn(f, patched);
    }

    /** The __LINE__ explanation when an earlier hunk moved the function's lines, else null. */
    private static String lineShift(String f, Map<String, ScannedFile> patched, Map<String, PatchedFile> files) {
        String base = base(f);
        for (Map.Entry<String, ScannedFile> e : patched.entrySet()) {
            for (CEntity fn : e.getValue().functions()) {
                if (fn.symbol().equals(base)) {
                    PatchedFile pf = files.get(e.getKey());
                    if (pf != null && linesMoved(pf, fn.startLine())) {
                        return "not touched by the patch, but an earlier hunk in " + e.getKey() + " moved its lines:"
                                + " __LINE__ (WARN/BUG, lockdep, printk) is compiled into it";
                    }
                }
            }
        }
        return null;
    }

    private static String definedIn(String f, Map<String, ScannedFile> patched) {
        String base = base(f);
        for (Map.Entry<String, ScannedFile> e : patched.entrySet()) {
            for (CEntity fn : e.getValue().functions()) {
                if (fn.symbol().equals(base)) {
                    return "defined in " + e.getKey() + " but not touched by the patch; its code differs (reason unknown)";
                }
            }
        }
        return "not in any file the patch touches (reason unknown: a header the scanner did not follow?)";
    }

    private static String base(String f) {
        int dot = f.indexOf('.');
        return dot > 0 ? f.substring(0, dot) : f;
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
