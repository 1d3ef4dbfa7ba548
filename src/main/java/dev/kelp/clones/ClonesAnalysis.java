package dev.kelp.clones;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Step (b) over several units: runs the closure of each dump from the start functions that
 * belong to its unit, and gathers the functions to patch per target object.
 */
public final class ClonesAnalysis {
    private static final String DUMP_SUFFIX = ".000i.ipa-clones";

    private ClonesAnalysis() {
    }

    /** Functions to patch grouped by target object (in first-seen order), plus notes. */
    public record Result(Map<String, List<AffectedFunction>> byObject, List<String> notes) {
        public List<AffectedFunction> all() {
            return byObject.values().stream().flatMap(List::stream).toList();
        }
    }

    /**
     * @param starts        the changed functions; a start with a unit applies to that unit's dump,
     *                      one without to the only dump, or else to every dump that mentions it
     * @param dumps         one per unit ({@link IpaDump#unit()} is the dump's path or the unit's)
     * @param defaultObject where starts that no dump covers are reported
     */
    public static Result run(List<StartFunction> starts, List<IpaDump> dumps, SymbolLookup symbols,
            String defaultObject) {
        Map<String, List<AffectedFunction>> byObject = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        Set<StartFunction> covered = new LinkedHashSet<>();
        for (IpaDump d : dumps) {
            List<String> mine = new ArrayList<>();
            for (StartFunction s : starts) {
                if (appliesTo(s, d, dumps.size())) {
                    covered.add(s);
                    if (!mine.contains(s.function())) {
                        mine.add(s.function());
                    }
                }
            }
            if (mine.isEmpty()) {
                continue;
            }
            for (AffectedFunction a : new InlineClosure(d).close(mine, symbols)) {
                byObject.computeIfAbsent(d.object(), k -> new ArrayList<>()).add(a);
                if (a.isOptimisationClone() && a.presence() != Presence.NO_SYMBOL) {
                    notes.add(a.name() + " (" + d.unit() + "): optimisation clone with a compiler-private calling"
                            + " convention; a source-level replacement must replace its callers instead");
                }
            }
        }
        Set<String> reported = new LinkedHashSet<>();
        for (StartFunction s : starts) {
            if (covered.contains(s) || !reported.add(s.unit() + "\u0000" + s.function())) {
                continue;
            }
            String unit = s.unit() == null ? "?" : s.unit();
            Presence p = symbols.definesFunction(defaultObject, s.function())
                    .map(b -> b ? Presence.OWN_SYMBOL : Presence.NO_SYMBOL).orElse(Presence.UNKNOWN);
            String why = p == Presence.UNKNOWN ? "no dump and no symbol table for it"
                    : (p == Presence.OWN_SYMBOL ? "symbol in " : "no symbol in ") + defaultObject;
            byObject.computeIfAbsent(defaultObject, k -> new ArrayList<>())
                    .add(new AffectedFunction(defaultObject, unit, s.function(), s.function(), List.of(), p, why));
            if (!dumps.isEmpty()) {
                notes.add(s.function() + ": no ipa-clones dump " + (s.unit() == null ? "mentions it"
                        : "for " + s.unit()) + "; its inlined copies, if any, are unknown");
            }
        }
        if (dumps.isEmpty() && !starts.isEmpty()) {
            notes.add("no ipa-clones dump given: only the changed functions themselves are listed (pass --dump)");
        }
        return new Result(byObject, List.copyOf(new LinkedHashSet<>(notes)));
    }

    /**
     * Names each dump after its unit: the start unit it belongs to when there is one, otherwise
     * its file name without the dump suffix.
     */
    public static List<IpaDump> nameUnits(List<IpaDump> dumps, List<StartFunction> starts) {
        List<IpaDump> out = new ArrayList<>();
        for (IpaDump d : dumps) {
            String unit = starts.stream().map(StartFunction::unit).filter(u -> u != null && sameUnit(u, d.unit()))
                    .findFirst().orElse(d.unit().endsWith(DUMP_SUFFIX)
                            ? d.unit().substring(0, d.unit().length() - DUMP_SUFFIX.length()) : d.unit());
            out.add(d.withUnit(unit));
        }
        return out;
    }

    static boolean appliesTo(StartFunction s, IpaDump d, int dumpCount) {
        if (s.unit() == null) {
            return dumpCount == 1 || d.mentions(s.function());
        }
        return sameUnit(s.unit(), d.unit());
    }

    /** A dump belongs to a unit when it is the unit itself or its dump file (any directory prefix). */
    static boolean sameUnit(String unit, String dumpUnit) {
        String u = IncludeGraph.normalise(unit);
        String d = IncludeGraph.normalise(dumpUnit);
        if (d.equals(u) || d.endsWith("/" + u) || u.endsWith("/" + d)) {
            return true;
        }
        if (d.endsWith(DUMP_SUFFIX)) {
            String src = d.substring(0, d.length() - DUMP_SUFFIX.length());
            return src.equals(u) || src.endsWith("/" + u) || Path.of(src).getFileName().toString()
                    .equals(Path.of(u).getFileName().toString());
        }
        return false;
    }
}
