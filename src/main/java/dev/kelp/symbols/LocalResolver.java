package dev.kelp.symbols;

import dev.kelp.util.KelpException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Picks, among symbols sharing a name in one object, the one a compilation unit defines.
 *
 * <p>First by FILE symbol (only an unstripped vmlinux has them): the candidate whose FILE name
 * is the unit's source file name. Then by neighbourhood: the linker places a unit's sections
 * together and kallsyms is in address order, so the unit's other symbols sit around its own
 * candidate. Each candidate scores the unit's names found within a window around it, a name
 * weighing 1/(its number of occurrences in the object × its distance in kallsyms positions), so
 * that common local names count little and the closest unit wins. The best must score at least
 * twice the runner-up (adjacent units can each have a homonym, with the unit boundary between
 * them); otherwise the error lists the candidates with their neighbours and the annotation that
 * settles it.
 */
final class LocalResolver {
    private static final int MIN_RADIUS = 16;
    private static final int MAX_RADIUS = 400;
    private static final int SHOWN_NEIGHBOURS = 2;
    /** The winner must score this many times the runner-up: mixed evidence is refused, not guessed. */
    private static final double MARGIN = 2.0;

    private LocalResolver() {}

    static KSym resolve(ObjectSymbols o, String name, UnitContext ctx) {
        List<KSym> candidates = o.lookup(name);
        if (candidates.isEmpty()) {
            throw new KelpException("symbol '" + name + "' not found in " + o.name() + " (" + o.origin() + ")");
        }
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        List<KSym> byFile = byFile(candidates, ctx.sourceFile());
        if (byFile.size() == 1) {
            return byFile.get(0);
        }
        if (!byFile.isEmpty()) {
            candidates = byFile;
        }
        Set<String> others = new HashSet<>(ctx.symbols());
        others.remove(name);
        int radius = Math.max(MIN_RADIUS, Math.min(MAX_RADIUS, 2 * others.size()));
        double[] score = new double[candidates.size()];
        for (int i = 0; i < candidates.size(); i++) {
            score[i] = score(o, candidates.get(i), others, radius);
        }
        int best = 0;
        for (int i = 1; i < score.length; i++) {
            if (score[i] > score[best]) {
                best = i;
            }
        }
        final int b = best;
        boolean unique = score[b] > 0 && java.util.stream.IntStream.range(0, score.length)
                .noneMatch(i -> i != b && score[i] * MARGIN > score[b]);
        if (unique) {
            return candidates.get(b);
        }
        throw ambiguity(o, name, ctx, candidates);
    }

    private static List<KSym> byFile(List<KSym> candidates, String sourceFile) {
        if (sourceFile.isEmpty()) {
            return List.of();
        }
        String base = sourceFile.substring(sourceFile.lastIndexOf('/') + 1);
        return candidates.stream().filter(k -> k.file().equals(base) || k.file().equals(sourceFile)).toList();
    }

    private static double score(ObjectSymbols o, KSym candidate, Set<String> others, int radius) {
        Set<String> found = new HashSet<>();
        double s = 0;
        List<KSym> around = new ArrayList<>(o.neighbours(candidate, radius));
        around.sort(Comparator.comparingInt(n -> Math.abs(n.index() - candidate.index())));
        for (KSym n : around) {
            if (others.contains(n.name()) && found.add(n.name())) {
                int distance = Math.abs(n.index() - candidate.index());
                s += 1.0 / (o.lookup(n.name()).size() * distance);
            }
        }
        return s;
    }

    private static KelpException ambiguity(ObjectSymbols o, String name, UnitContext ctx, List<KSym> candidates) {
        List<String> shown = new ArrayList<>();
        for (KSym k : candidates.stream().sorted(Comparator.comparingInt(KSym::index)).toList()) {
            List<KSym> around = o.neighbours(k, SHOWN_NEIGHBOURS);
            String neigh = around.stream().map(KSym::name).collect(Collectors.joining(", "));
            shown.add("sympos " + k.sympos() + " at " + (o.name().equals(KernelSymbols.VMLINUX) ? k.hexAddress()
                    : k.section() + "+0x" + Long.toHexString(k.address())) + " " + k.type()
                    + (k.file().isEmpty() ? "" : " in " + k.file()) + " near " + neigh);
        }
        String unit = ctx.sourceFile().isEmpty() ? "the unit" : ctx.sourceFile();
        return new KelpException("symbol '" + name + "' in " + o.name() + " is ambiguous: " + candidates.size()
                + " symbols of that name and nothing ties one of them to " + unit + ": " + String.join("; ", shown)
                + ". Settle it with KLP_RELOC_SYMBOL_POS(" + o.name() + ", " + o.name() + ", " + name
                + ", N) where N is the right sympos");
    }
}
