package dev.kelp.diff;

import dev.kelp.elf.Relocation;
import dev.kelp.elf.Section;
import dev.kelp.elf.Symbol;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Compares correlated functions and data by normalised checksum. A function counts as changed
 * when its own checksum differs (and not only by line numbers), or when one of its .cold parts
 * changed, appeared or disappeared; a function without a twin is new.
 */
final class ChangeDetector {
    private final ObjectIndex orig;
    private final ObjectIndex patched;
    private final Correlation corr;
    private final FunctionChecksum origSums;
    private final FunctionChecksum patchedSums;
    private final LineImmediateFilter lineFilter;

    ChangeDetector(ObjectIndex orig, ObjectIndex patched, Correlation corr) {
        this.orig = orig;
        this.patched = patched;
        this.corr = corr;
        this.origSums = new FunctionChecksum(orig);
        this.patchedSums = new FunctionChecksum(patched);
        this.lineFilter = new LineImmediateFilter(orig, patched, origSums, patchedSums);
    }

    ChangeSet detect() {
        ChangeSet cs = new ChangeSet();
        Set<Symbol> ignored = ignoredFunctions();
        for (Symbol pf : patched.functions) {
            // .cold parts count under their parent (familyChanged)
            if (patched.coldParentOf.containsKey(pf) || ignored.contains(pf)) {
                continue;
            }
            Symbol of = corr.origOf(pf);
            boolean init = Names.isInitOrExit(pf.section().name());
            if (of == null) {
                if (!init) {
                    cs.status.put(pf, ChangeSet.Status.NEW);
                    cs.added.add(pf);
                }
            } else if (familyChanged(of, pf)) {
                if (init || Names.isInitOrExit(of.section().name())) {
                    cs.changedInit.add(pf);
                } else {
                    cs.status.put(pf, ChangeSet.Status.CHANGED);
                    cs.changed.add(pf);
                }
            }
        }
        for (Symbol po : patched.objects) {
            Symbol oo = corr.origOf(po);
            if (oo != null && isComparedData(po.section()) && differs(oo, po)) {
                cs.changedData.add(po);
            }
        }
        return cs;
    }

    private boolean familyChanged(Symbol of, Symbol pf) {
        if (differs(of, pf) && !lineFilter.onlyLineNumbersDiffer(of, pf)) {
            return true;
        }
        for (Symbol pc : patched.coldChildren.getOrDefault(pf, List.of())) {
            Symbol oc = corr.origOf(pc);
            if (oc == null || (differs(oc, pc) && !lineFilter.onlyLineNumbersDiffer(oc, pc))) {
                return true;
            }
        }
        for (Symbol oc : orig.coldChildren.getOrDefault(of, List.of())) {
            if (corr.patchedOf(oc) == null) {
                return true;
            }
        }
        return false;
    }

    private boolean differs(Symbol o, Symbol p) {
        return o.size() != p.size() || origSums.of(o) != patchedSums.of(p);
    }

    /** Existing data the kernel reads at run time; init data and special tables are not compared. */
    static boolean isComparedData(Section s) {
        String n = s.name();
        if (Names.isInitOrExit(n) || s.isExecutable()) {
            return false;
        }
        if (Names.isSpecialStatic("", n)) {
            return false;
        }
        return n.startsWith(".data") || n.startsWith(".bss") || n.startsWith(".rodata") || n.startsWith(".tdata")
                || n.startsWith(".tbss") || n.startsWith(".ref.data");
    }

    /**
     * Functions named by KPATCH_IGNORE_FUNCTION, and those in sections named by
     * KPATCH_IGNORE_SECTION: they count as unchanged.
     */
    private Set<Symbol> ignoredFunctions() {
        Set<Symbol> out = Collections.newSetFromMap(new IdentityHashMap<>());
        Section fs = patched.elf.section(".kpatch.ignore.functions");
        if (fs != null) {
            for (Relocation r : patched.relocationsOf(fs)) {
                RelocTarget t = patched.resolve(fs, r);
                if (t.kind() == RelocTarget.Kind.SYMBOL) {
                    out.add(t.symbol());
                    out.addAll(patched.coldChildren.getOrDefault(t.symbol(), List.of()));
                }
            }
        }
        Section ss = patched.elf.section(".kpatch.ignore.sections");
        if (ss != null) {
            Set<String> names = new java.util.HashSet<>();
            for (Relocation r : patched.relocationsOf(ss)) {
                RelocTarget t = patched.resolve(ss, r);
                if (t.kind() == RelocTarget.Kind.STRING) {
                    names.add(t.content());
                }
            }
            for (Symbol f : patched.functions) {
                if (names.contains(f.section().name())) {
                    out.add(f);
                }
            }
        }
        return out;
    }
}
