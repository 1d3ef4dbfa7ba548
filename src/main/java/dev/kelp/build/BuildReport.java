package dev.kelp.build;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code kelp build} did, per target object: each function and why it is in the livepatch,
 * plus the units and why they were built. Printed in short on screen, in full with --report.
 *
 * @param kernel  the target release
 * @param units   each affected unit with its reason and diff outcome
 * @param objects target object → its functions
 */
public record BuildReport(String kernel, List<UnitEntry> units, Map<String, List<FunctionEntry>> objects) {

    /** One unit: its object, final object, why it was built, and what the diff found. */
    public record UnitEntry(String object, String finalObject, String reason, String outcome, List<String> problems) {
    }

    /** One function: its name, sympos, whether it replaces a kernel function, and why it is included. */
    public record FunctionEntry(String name, long sympos, boolean replaces, String why, String unit) {
    }

    static BuildReport of(Target target, AffectedUnits.Result affected, List<UnitDiffer.UnitDiff> diffs) {
        List<UnitEntry> units = new ArrayList<>();
        Map<String, List<FunctionEntry>> objects = new LinkedHashMap<>();
        for (UnitDiffer.UnitDiff d : diffs) {
            KbuildUnits.Unit u = d.pair().unit();
            String reason = affected.units().stream().filter(a -> a.unit().equals(u)).map(AffectedUnits.Affected::reason)
                    .findFirst().orElse("");
            units.add(new UnitEntry(u.object(), u.finalObject(), reason, d.kind().name().toLowerCase(java.util.Locale.ROOT),
                    d.problems()));
            for (UnitDiffer.ChangedFunction f : d.functions()) {
                objects.computeIfAbsent(u.finalObject(), k -> new ArrayList<>())
                        .add(new FunctionEntry(f.name(), f.sympos(), f.replaces(), why(f.why(), reason), u.object()));
            }
        }
        return new BuildReport(target.release(), List.copyOf(units), objects);
    }

    /**
     * A function changed in a unit that the patch reaches only through a header changed because
     * an inline function or macro of that header was expanded into it.
     */
    private static String why(String why, String unitReason) {
        if (why.equals("changed") && unitReason.startsWith("includes ")) {
            return "caller of an inlined change (" + unitReason.substring("includes ".length()) + ")";
        }
        return why;
    }

    /** The short on-screen form: one line per target object. */
    public List<String> summaryLines() {
        List<String> lines = new ArrayList<>();
        objects.forEach((object, funcs) -> lines.add(object + ": " + String.join(", ",
                funcs.stream().map(f -> f.name() + " (" + f.why() + ")").toList())));
        return lines;
    }
}
