package dev.kelp.build;

import dev.kelp.diff.IncludedData;
import dev.kelp.target.Target;
import dev.kelp.tree.KbuildUnits;
import dev.kelp.util.KelpException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code kelp build} did, per target object: each function and each data object and why it
 * is in the livepatch, plus the units and why they were built. Printed in short on screen, in
 * full with --report.
 *
 * @param kernel  the target release
 * @param outcome {@link #BUILT} (the module is written: a later error removes the report),
 *                {@link #NO_CHANGE} (exit 3) or {@link #UNSUPPORTED} (exit 2)
 * @param units   each affected unit with its reason and diff outcome
 * @param objects target object → its functions
 * @param data    target object → its data objects (new variables, fresh copies of per-call-site statics)
 * @param refused touched files that cannot be live patched, and why (exit 2 before any unit is built)
 * @param ignored touched files that affect no unit, and why (documentation, not built with this config …)
 */
public record BuildReport(String kernel, String outcome, List<UnitEntry> units, Map<String, List<FunctionEntry>> objects,
        Map<String, List<DataEntry>> data, List<AffectedUnits.Refused> refused, List<AffectedUnits.Ignored> ignored) {
    public static final String BUILT = "built";
    public static final String NO_CHANGE = "no_change";
    public static final String UNSUPPORTED = "unsupported";

    /** One unit: its object, final object, why it was built, and what the diff found. */
    public record UnitEntry(String object, String finalObject, String reason, String outcome, List<String> problems) {
    }

    /**
     * One function: its name, sympos, whether it replaces a kernel function, and why it is included:
     * {@code changed}, {@code changed (isra clone of F)}, {@code caller of an inlined change: F},
     * {@code caller of an inlined change (HEADER)}, {@code uses a changed macro M}, {@code new},
     * {@code part of F}, {@code needed by F}.
     */
    public record FunctionEntry(String name, long sympos, boolean replaces, String why, String unit) {
    }

    /**
     * One data object of the patch: its symbol name, why it is there ({@code new data} or
     * {@code fresh copy of per-call-site static}), the function that uses it, and its unit.
     */
    public record DataEntry(String name, String why, String usedBy, String unit) {
        boolean isNew() {
            return why.equals(IncludedData.Kind.NEW.label());
        }
    }

    static BuildReport of(Target target, AffectedUnits.Result affected, List<UnitDiffer.UnitDiff> diffs,
            SourceTouches touches) {
        Map<KbuildUnits.Unit, UnitEntry> units = new LinkedHashMap<>();
        Map<String, List<FunctionEntry>> objects = new LinkedHashMap<>();
        Map<String, List<DataEntry>> data = new LinkedHashMap<>();
        for (UnitDiffer.UnitDiff d : diffs) {
            KbuildUnits.Unit u = d.pair().unit();
            String reason = affected.units().stream().filter(a -> a.unit().equals(u)).map(AffectedUnits.Affected::reason)
                    .findFirst().orElse("");
            // a unit diffed once per module: one entry, every copy's problems
            units.merge(u, new UnitEntry(u.object(), u.finalObject(), reason, d.kind().name().toLowerCase(java.util.Locale.ROOT),
                    d.problems()), (a, b) -> new UnitEntry(a.object(), a.finalObject(), a.reason(), a.outcome(),
                    java.util.stream.Stream.concat(a.problems().stream(), b.problems().stream()).distinct().toList()));
            for (UnitDiffer.ChangedFunction f : d.functions()) {
                objects.computeIfAbsent(d.object(), k -> new ArrayList<>())
                        .add(new FunctionEntry(f.name(), f.sympos(), f.replaces(), why(f, u, reason, touches), u.object()));
            }
            for (IncludedData x : d.data()) {
                data.computeIfAbsent(d.object(), k -> new ArrayList<>())
                        .add(new DataEntry(x.name(), x.kind().label(), x.usedBy(), u.object()));
            }
        }
        String outcome = diffs.stream().anyMatch(d -> !d.problems().isEmpty()) ? UNSUPPORTED
                : diffs.stream().anyMatch(d -> d.kind() == UnitDiffer.Kind.CHANGED) ? BUILT : NO_CHANGE;
        return new BuildReport(target.release(), outcome, List.copyOf(units.values()), objects, data, List.of(),
                affected.ignored());
    }

    BuildReport withOutcome(String newOutcome) {
        return new BuildReport(kernel, newOutcome, units, objects, data, refused, ignored);
    }

    /** The report of a run stopped before any unit was built: refused files (exit 2) or no unit affected (exit 3). */
    static BuildReport stopped(Target target, AffectedUnits.Stopped s) {
        return new BuildReport(target.release(), s.exitCode() == KelpException.UNSUPPORTED ? UNSUPPORTED : NO_CHANGE, List.of(),
                Map.of(), Map.of(), s.refused(), s.ignored());
    }

    /**
     * A function changed in a unit that the patch reaches only through a header changed because an
     * inline function or macro of that header was expanded into it; in a unit whose source the
     * patch edits, the source tells what the patch touched ({@link SourceTouches#explain}).
     */
    private static String why(UnitDiffer.ChangedFunction f, KbuildUnits.Unit u, String unitReason, SourceTouches touches) {
        if (f.why().startsWith("changed") && unitReason.startsWith("includes ")) {
            return "caller of an inlined change (" + unitReason.substring("includes ".length()) + ")";
        }
        if (unitReason.equals("patched")) {
            return touches.explain(u.source(), f.name(), f.why());
        }
        return f.why();
    }

    /** The short on-screen form: one line per target object, its functions, then the data the patch adds. */
    public List<String> summaryLines() {
        List<String> lines = new ArrayList<>();
        java.util.Set<String> names = new java.util.LinkedHashSet<>(objects.keySet());
        names.addAll(data.keySet());
        for (String object : names) {
            List<String> parts = new ArrayList<>();
            objects.getOrDefault(object, List.of()).forEach(f -> parts.add(f.name() + " (" + f.why() + ")"));
            List<String> added = data.getOrDefault(object, List.of()).stream().filter(DataEntry::isNew).map(DataEntry::name)
                    .toList();
            String line = object + ": " + String.join(", ", parts);
            if (!added.isEmpty()) {
                line += (parts.isEmpty() ? "" : "; ") + "new data: " + String.join(", ", added);
            }
            lines.add(line);
        }
        return lines;
    }
}
