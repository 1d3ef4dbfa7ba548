package dev.kelp.diff;

import dev.kelp.arch.SpecialSection;
import dev.kelp.elf.Section;
import dev.kelp.util.KelpException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The special sections the differ knows: the architecture's table
 * ({@link dev.kelp.arch.Arch#specialSections(Map)}, with the record sizes of --struct-sizes,
 * ending with the generic kernel's rows) translated into keep rules. A section that is not in the
 * table and not ordinary code or data is unknown: if it points into an included function the
 * diff fails naming it.
 */
final class SpecialSections {
    enum Rule {
        /** Keep each record whose anchor relocation points into an included function. */
        RECORDS,
        /** Record i is kept exactly when record i of the linked section is (ORC entries). */
        PARALLEL,
        /** Regenerated for the included functions (ftrace call-site tables). */
        REGENERATE,
        /** Code or data reached only through included code or kept records; copied when referenced. */
        REFERENCED,
        /** Belongs to the original kernel or is never loaded; never carried. */
        DROP
    }

    /**
     * One row.
     *
     * @param name        section name, or prefix when {@code prefix}
     * @param prefix      whether {@code name} is a prefix
     * @param recordSize  bytes per record (0: not a record table)
     * @param contentSize bytes of the last record when the section lacks its tail padding
     * @param anchor      offset within a record of the relocation that says whose record it is (-1: none)
     * @param keyOffset   offset of a static-key / static-call-key relocation to vet, or -1
     * @param rule        the keep rule
     * @param linked      the section a PARALLEL table follows, or null
     * @param keyUse      what a record with a key is and what to use instead of a module's key, or null
     */
    record Entry(String name, boolean prefix, int recordSize, int contentSize, int anchor, int keyOffset, Rule rule,
            String linked, SpecialSection.KeyUse keyUse) {
    }

    /** Code and data sections the differ treats symbol by symbol (not special). */
    private static final List<String> ORDINARY_PREFIXES = List.of(
            ".text", ".data", ".rodata", ".bss", ".tdata", ".tbss", ".sched.text", ".noinstr.text",
            ".entry.text", ".cpuidle.text", ".spinlock.text", ".irqentry.text", ".softirqentry.text",
            ".kprobes.text", ".ref.text", ".ref.data", ".ref.rodata", ".lock.text", ".head.text");

    private final List<Entry> table;
    private final Map<String, Entry> exact = new HashMap<>();

    private SpecialSections(List<Entry> table) {
        this.table = table;
        for (Entry e : table) {
            if (!e.prefix()) {
                exact.putIfAbsent(e.name(), e);
            }
        }
    }

    /**
     * The table for an architecture and one object: each version-dependent record size is the
     * one the object shows ({@link RecordSizes}); a given size only cross-checks it, and each
     * disagreement is a problem naming both.
     */
    static SpecialSections of(DiffArch arch, StructSizes sizes, ObjectIndex obj, List<Problem> problems) {
        List<SpecialSection> rows = new ArrayList<>(arch.arch.specialSections(sizes.asMap()));
        for (int i = 0; i < rows.size(); i++) {
            SpecialSection row = rows.get(i);
            Section s = row.structSizeKey() == null || row.prefix() ? null : obj.elf.section(row.name());
            if (s == null || s.isNobits()) {
                continue;
            }
            Optional<RecordSizes.Derived> d = RecordSizes.derive(arch.arch, obj, s, row);
            if (d.isEmpty() || d.get().size() == row.recordSize()) {
                continue;
            }
            Integer given = sizes.asMap().get(row.structSizeKey());
            if (given != null) {
                problems.add(new Problem(obj.path, s.name(), "record size " + given + " (" + row.structSizeKey() + "="
                        + given + " from " + sizes.origin() + ") disagrees with the object: " + d.get().evidence() + " says "
                        + d.get().size() + " bytes per record; give the sizes of the kernel that built the object,"
                        + " or none (kelp reads them from the object)"));
                continue;
            }
            try {
                rows.set(i, SpecialSection.lookup(arch.arch.specialSections(Map.of(row.structSizeKey(),
                        d.get().size())), row.name()).orElseThrow());
            } catch (KelpException e) {
                problems.add(new Problem(obj.path, s.name(), "the object's " + d.get().evidence().replaceFirst("^its ", "") + " says "
                        + d.get().size() + " bytes per record, a layout kelp does not know: " + e.getMessage()));
            }
        }
        List<Entry> t = new ArrayList<>();
        for (SpecialSection s : rows) {
            t.add(translate(s));
        }
        return new SpecialSections(t);
    }

    /** The table with the given sizes (or the architecture's), for callers without an object. */
    static SpecialSections of(DiffArch arch, StructSizes sizes) {
        List<Entry> t = new ArrayList<>();
        for (SpecialSection s : arch.arch.specialSections(sizes.asMap())) {
            t.add(translate(s));
        }
        return new SpecialSections(t);
    }

    private static Entry translate(SpecialSection s) {
        int anchor = s.anchor().map(SpecialSection.Field::offset).orElse(-1);
        int key = s.fields().stream().filter(f -> f.role() == SpecialSection.Role.KEY)
                .mapToInt(SpecialSection.Field::offset).findFirst().orElse(-1);
        Rule rule;
        switch (s.keep()) {
            case ANCHOR_INCLUDED:
                rule = Rule.RECORDS;
                break;
            case PARALLEL:
                rule = Rule.PARALLEL;
                break;
            case REGENERATE:
                rule = Rule.REGENERATE;
                break;
            case WITH_KEPT_RECORDS:
            case REFERENCED:
                rule = Rule.REFERENCED;
                break;
            default:
                rule = Rule.DROP;
        }
        return new Entry(s.name(), s.prefix(), s.recordSize(), s.contentSize(), anchor, key, rule, s.linkedSection(),
                s.keyUse());
    }

    /** The row for a section (exact names first, then prefixes), or null when the section is not special. */
    Entry lookup(String sectionName) {
        Entry e = exact.get(sectionName);
        if (e != null) {
            return e;
        }
        for (Entry p : table) {
            if (p.prefix() && sectionName.startsWith(p.name())) {
                return p;
            }
        }
        return null;
    }

    /** PARALLEL tables that follow the given section. */
    List<Entry> parallelTo(String sectionName) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : table) {
            if (e.rule() == Rule.PARALLEL && sectionName.equals(e.linked())) {
                out.add(e);
            }
        }
        return out;
    }

    /** Whether the differ handles the section's symbols itself (functions and data). */
    static boolean isOrdinary(String sectionName) {
        for (String p : ORDINARY_PREFIXES) {
            if (sectionName.equals(p) || sectionName.startsWith(p + ".")) {
                return true;
            }
        }
        return false;
    }
}
