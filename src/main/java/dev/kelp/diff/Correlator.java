package dev.kelp.diff;

import dev.kelp.elf.Relocation;
import dev.kelp.elf.Symbol;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Matches the functions and objects of the original object with those of the patched one.
 *
 * <ul>
 *   <li>Names compare with numeric suffixes masked ({@code .isra.N}, {@code .constprop.N},
 *       {@code .part.N}, {@code .cold.N}); locals only within the same STT_FILE block. Exact
 *       names pair first, the rest pair in symbol-table order.</li>
 *   <li>Per-call-site statics ({@link Names#isSpecialStatic}) are never paired: the patch gets
 *       its own copy.</li>
 *   <li>Other function-scope statics ({@code var.N}) are paired by use: the N-th such static a
 *       patched function (with its .cold parts) references pairs with the first unpaired static
 *       of the same base name its original twin references. Numbers are not trusted at all.</li>
 * </ul>
 */
final class Correlator {
    private final ObjectIndex orig;
    private final ObjectIndex patched;
    private final Correlation result;

    Correlator(ObjectIndex orig, ObjectIndex patched) {
        this.orig = orig;
        this.patched = patched;
        this.result = new Correlation(orig.symbolCount, patched.symbolCount);
    }

    Correlation correlate() {
        pairByName(orig.functions, patched.functions, false);
        pairByName(orig.objects, patched.objects, true);
        pairStaticsByUse();
        pairRemainingStaticsByUniqueName();
        return result;
    }

    private String key(ObjectIndex idx, Symbol s) {
        return (s.isLocal() ? idx.fileOf(s) : "") + "\0" + s.type() + "\0" + Names.mangle(s.name());
    }

    private static boolean isStaticLocal(Symbol s) {
        return s.isLocal() && s.isObject() && !Names.mangle(s.name()).equals(s.name());
    }

    private void pairByName(List<Symbol> origSyms, List<Symbol> patchedSyms, boolean data) {
        Map<String, List<Symbol>> o = group(orig, origSyms, data);
        Map<String, List<Symbol>> p = group(patched, patchedSyms, data);
        for (Map.Entry<String, List<Symbol>> e : p.entrySet()) {
            List<Symbol> os = o.get(e.getKey());
            if (os == null) {
                continue;
            }
            List<Symbol> ps = new ArrayList<>(e.getValue());
            List<Symbol> rest = new ArrayList<>(os);
            if (ps.size() > 1 || rest.size() > 1) {
                Map<String, Symbol> exact = new HashMap<>();
                for (Symbol s : rest) {
                    exact.putIfAbsent(s.name(), s);
                }
                for (int i = 0; i < ps.size(); i++) {
                    Symbol twin = exact.remove(ps.get(i).name());
                    if (twin != null) {
                        result.pair(twin, ps.get(i));
                        rest.remove(twin);
                        ps.remove(i--);
                    }
                }
            }
            for (int i = 0; i < ps.size() && i < rest.size(); i++) {
                result.pair(rest.get(i), ps.get(i));
            }
        }
    }

    private Map<String, List<Symbol>> group(ObjectIndex idx, List<Symbol> syms, boolean data) {
        Map<String, List<Symbol>> m = new LinkedHashMap<>();
        for (Symbol s : syms) {
            if (data && (isStaticLocal(s) || Names.isSpecialStatic(s.name(), s.section().name()))) {
                continue;
            }
            m.computeIfAbsent(key(idx, s), k -> new ArrayList<>(1)).add(s);
        }
        return m;
    }

    private void pairStaticsByUse() {
        for (Symbol pf : patched.functions) {
            if (patched.coldParentOf.containsKey(pf)) {
                continue;
            }
            Symbol of = result.origOf(pf);
            if (of == null) {
                continue;
            }
            List<Symbol> ps = staticsUsedBy(patched, pf);
            List<Symbol> os = staticsUsedBy(orig, of);
            for (Symbol p : ps) {
                if (result.origOf(p) != null) {
                    continue;
                }
                String base = Names.stripNumbers(p.name());
                for (Symbol o : os) {
                    if (result.patchedOf(o) == null && Names.stripNumbers(o.name()).equals(base)
                            && o.type() == p.type() && orig.fileOf(o).equals(patched.fileOf(p))) {
                        result.pair(o, p);
                        break;
                    }
                }
            }
        }
    }

    /** Statics referenced by a function and its .cold parts, in order of first reference. */
    private static List<Symbol> staticsUsedBy(ObjectIndex idx, Symbol f) {
        List<Symbol> out = new ArrayList<>();
        List<Symbol> family = new ArrayList<>();
        family.add(f);
        family.addAll(idx.coldChildren.getOrDefault(f, List.of()));
        for (Symbol m : family) {
            for (Relocation r : idx.relocsIn(m.section(), m.value(), m.value() + m.size())) {
                RelocTarget t = idx.resolve(m.section(), r);
                if (t.kind() == RelocTarget.Kind.SYMBOL && isStaticLocal(t.symbol()) && t.symbol().section() != null
                        && !Names.isSpecialStatic(t.symbol().name(), t.symbol().section().name())
                        && !out.contains(t.symbol())) {
                    out.add(t.symbol());
                }
            }
        }
        return out;
    }

    /** Statics no correlated function uses (e.g. referenced only from data): pair when the name is unambiguous. */
    private void pairRemainingStaticsByUniqueName() {
        Map<String, List<Symbol>> o = new HashMap<>();
        for (Symbol s : orig.objects) {
            if (isStaticLocal(s) && result.patchedOf(s) == null
                    && !Names.isSpecialStatic(s.name(), s.section().name())) {
                o.computeIfAbsent(key(orig, s), k -> new ArrayList<>()).add(s);
            }
        }
        Map<String, List<Symbol>> p = new HashMap<>();
        for (Symbol s : patched.objects) {
            if (isStaticLocal(s) && result.origOf(s) == null
                    && !Names.isSpecialStatic(s.name(), s.section().name())) {
                p.computeIfAbsent(key(patched, s), k -> new ArrayList<>()).add(s);
            }
        }
        for (Map.Entry<String, List<Symbol>> e : p.entrySet()) {
            List<Symbol> os = o.get(e.getKey());
            if (os != null && os.size() == 1 && e.getValue().size() == 1 && !referencedByFunction(e.getValue().get(0))) {
                result.pair(os.get(0), e.getValue().get(0));
            }
        }
    }

    private java.util.Set<Symbol> referenced;

    /** Whether any patched function references the static (then use-based pairing already decided). */
    private boolean referencedByFunction(Symbol s) {
        if (referenced == null) {
            referenced = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (Symbol f : patched.functions) {
                for (Relocation r : patched.relocsIn(f.section(), f.value(), f.value() + f.size())) {
                    RelocTarget t = patched.resolve(f.section(), r);
                    if (t.kind() == RelocTarget.Kind.SYMBOL) {
                        referenced.add(t.symbol());
                    }
                }
            }
        }
        return referenced.contains(s);
    }
}
