package dev.kelp.diff;

import dev.kelp.elf.Elf;
import dev.kelp.elf.Relocation;
import dev.kelp.elf.RelocationSection;
import dev.kelp.elf.Section;
import dev.kelp.elf.Symbol;
import dev.kelp.elf.SymbolTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The special-section part of building the output: which records of the patched object's
 * special sections (bug table, exception table, jump labels, alternatives, ORC...) belong to the
 * included functions, and the refusals that arise on the way, beside those of {@link Refusals}:
 * a module's static key used by a jump label or static call, an unknown special section that
 * points into an included function, records whose size does not match the section.
 */
final class SpecialRecords {
    /** Where kept record bytes go: {@code OutputBuilder}'s pieces. */
    interface PieceSink {
        void add(Section src, long start, long end, String owner);
    }

    private final ObjectIndex p;
    private final DiffOptions opts;
    private final List<Problem> problems;
    private final SpecialSections special;
    private final Map<Symbol, Boolean> includedFunctions;
    private final Function<Symbol, String> displayName;
    private final PieceSink sink;

    SpecialRecords(ObjectIndex p, DiffOptions opts, List<Problem> problems, SpecialSections special,
            Map<Symbol, Boolean> includedFunctions, Function<Symbol, String> displayName,
            PieceSink sink) {
        this.p = p;
        this.opts = opts;
        this.problems = problems;
        this.special = special;
        this.includedFunctions = includedFunctions;
        this.displayName = displayName;
        this.sink = sink;
    }

    private void addPiece(Section src, long start, long end, String owner) {
        sink.add(src, start, end, owner);
    }

    private String displayName(Symbol f) {
        return displayName.apply(f);
    }

    /** Keeps the records anchored in included functions, every special section of the patched object. */
    void keep() {
        for (Section s : p.elf.sections()) {
            if (s instanceof RelocationSection || s instanceof SymbolTable || s.type() == Elf.SHT_GROUP
                    || s.type() == Elf.SHT_STRTAB) {
                continue;
            }
            SpecialSections.Entry e = special.lookup(s.name());
            if (e == null) {
                if (!SpecialSections.isOrdinary(s.name())) {
                    checkUnknown(s);
                }
                continue;
            }
            if (e.rule() == SpecialSections.Rule.RECORDS) {
                List<Long> kept = keepRecords(s, e);
                for (SpecialSections.Entry par : special.parallelTo(s.name())) {
                    keepParallel(s, e, par, kept);
                }
            }
        }
    }

    /** An unknown section whose relocations point into included code: its records would be lost. */
    private void checkUnknown(Section s) {
        for (Relocation r : p.relocationsOf(s)) {
            if (pointsIntoIncludedCode(s, r)) {
                problems.add(new Problem(p.path, s.name(), "unknown special section refers to the changed function "
                        + functionAt(s, r) + "; kelp does not know its record layout, so it cannot carry it"
                        + " (add it to the special-section table)"));
                return;
            }
        }
    }

    private String functionAt(Section s, Relocation r) {
        RelocTarget t = p.resolve(s, r);
        return t.kind() == RelocTarget.Kind.SYMBOL ? displayName(t.symbol()) : "?";
    }

    private boolean pointsIntoIncludedCode(Section s, Relocation r) {
        RelocTarget t = p.resolve(s, r);
        if (t.kind() == RelocTarget.Kind.SYMBOL) {
            return t.symbol().isFunction() && includedFunctions.containsKey(t.symbol());
        }
        return false;
    }

    /** Keeps the records anchored in included code; returns the kept record indices. */
    private List<Long> keepRecords(Section s, SpecialSections.Entry e) {
        List<Long> kept = new ArrayList<>();
        int size = e.recordSize();
        if (size <= 0) {
            return kept;
        }
        boolean needed = false;
        for (Relocation r : p.relocationsOf(s)) {
            if (pointsIntoIncludedCode(s, r)) {
                needed = true;
                break;
            }
        }
        if (!needed) {
            return kept;
        }
        // the last record of an array of padded structs may lack its tail padding
        long rest = s.size() % size;
        if (rest != 0 && rest != e.contentSize()) {
            problems.add(new Problem(p.path, s.name(), "section size " + s.size() + " is not a multiple of the record"
                    + " size " + size + "; pass the target kernel's sizes with --struct-sizes"));
            return kept;
        }
        Relocation[] rel = p.relocationsOf(s);
        if (!uniformRecords(rel, size, e.anchor()) || !anchorsInCode(s, rel, size, e.anchor())) {
            problems.add(new Problem(p.path, s.name(), "records of " + size + " bytes do not match the section's"
                    + " relocations (each record of a kernel table has the same relocated fields); pass the target"
                    + " kernel's record sizes with --struct-sizes"));
            return kept;
        }
        int i = 0;
        while (i < rel.length) {
            long rec = rel[i].offset() / size;
            int j = i;
            while (j < rel.length && rel[j].offset() / size == rec) {
                j++;
            }
            long base = rec * size;
            Relocation anchor = null;
            for (int k = i; k < j; k++) {
                if (e.anchor() < 0 || rel[k].offset() - base == e.anchor()) {
                    if (pointsIntoIncludedCode(s, rel[k])) {
                        anchor = rel[k];
                        break;
                    }
                }
            }
            if (anchor != null && keyAllowed(s, e, rel, i, j, base, anchor)) {
                addPiece(s, base, Math.min(base + size, s.size()), functionAt(s, anchor));
                kept.add(rec);
            }
            i = j;
        }
        return kept;
    }

    /** Whether every record's anchor points at code (with a wrong record size, some point at keys or data). */
    private boolean anchorsInCode(Section s, Relocation[] rel, int size, int anchor) {
        if (anchor < 0) {
            return true;
        }
        for (Relocation r : rel) {
            if (r.offset() % size == anchor) {
                RelocTarget t = p.resolve(s, r);
                Section target = t.kind() == RelocTarget.Kind.SYMBOL ? t.symbol().section() : t.section();
                if (target == null || !target.isExecutable()) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Whether every record that has relocations has one at the anchor offset (a wrong record size
     * shifts records so that some start without one). Fields other than the anchor may lack a
     * relocation legitimately (an empty alternative's replacement is {@code .long 0}).
     */
    private static boolean uniformRecords(Relocation[] rel, int size, int anchor) {
        if (anchor < 0) {
            return true;
        }
        int i = 0;
        while (i < rel.length) {
            long rec = rel[i].offset() / size;
            boolean hasAnchor = false;
            int j = i;
            while (j < rel.length && rel[j].offset() / size == rec) {
                hasAnchor |= rel[j].offset() - rec * size == anchor;
                j++;
            }
            if (!hasAnchor) {
                return false;
            }
            i = j;
        }
        return true;
    }

    /**
     * Static keys and static-call keys defined in a module cannot be referenced from the patch
     * (the module's jump-label tables are set up before klp relocations are applied); tracepoint
     * keys are dropped silently as the reference differ does, dynamic-debug ones travel with
     * their descriptor.
     */
    private boolean keyAllowed(Section s, SpecialSections.Entry e, Relocation[] rel, int from, int to, long base,
            Relocation anchor) {
        if (e.keyOffset() < 0 || !opts.targetIsModule()) {
            return true;
        }
        for (int k = from; k < to; k++) {
            if (rel[k].offset() - base != e.keyOffset()) {
                continue;
            }
            RelocTarget t = p.resolve(s, rel[k]);
            if (t.kind() != RelocTarget.Kind.SYMBOL || t.symbol().section() == null) {
                return true;
            }
            String key = t.symbol().name();
            if (key.startsWith("__tracepoint_") || key.startsWith("__SCK__tp_func_")) {
                return false;
            }
            if (Names.isSpecialStatic(key, t.symbol().section().name())) {
                return true;
            }
            String what = e.keyUse().what();
            String fix = e.keyUse().instead();
            problems.add(new Problem(p.path, functionAt(s, anchor), what + " with key " + key + ", which is defined in"
                    + " module " + opts.object() + ": the patch cannot use it because module keys are set up before"
                    + " livepatch relocations are applied; " + fix));
            return false;
        }
        return true;
    }

    /** Keeps record i of a parallel table (ORC entries) for each kept record i of the table it follows. */
    private void keepParallel(Section lead, SpecialSections.Entry leadEntry, SpecialSections.Entry par, List<Long> kept) {
        Section ps = p.elf.section(par.name());
        if (ps == null || kept.isEmpty()) {
            return;
        }
        int size = par.recordSize();
        long leadCount = (lead.size() + leadEntry.recordSize() - 1) / leadEntry.recordSize();
        if (ps.size() % size != 0 || ps.size() / size != leadCount) {
            problems.add(new Problem(p.path, par.name(), "has " + ps.size() + " bytes for " + leadCount + " "
                    + lead.name() + " entries: its record size is not " + size + "; pass the target kernel's sizes"
                    + " with --struct-sizes"));
            return;
        }
        for (long idx : kept) {
            addPiece(ps, idx * size, idx * size + size, lead.name());
        }
    }
}
