package dev.kelp.diff;

import dev.kelp.arch.Arch;
import dev.kelp.arch.SpecialSection;
import dev.kelp.arch.registry.Machines;
import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Relocation;
import dev.kelp.elf.Section;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The record size of a special section, read from the object itself, so that an object of any
 * kernel is diffed with its own layout: {@code sh_entsize} where the kernel sets it (objtool's
 * tables), else the one known layout whose record stride the section's relocations follow (each
 * record has its relocations at the same offsets), and for a parallel table (ORC) its size over
 * the record count of the table it follows.
 */
final class RecordSizes {
    private RecordSizes() {
    }

    /** A size and what in the object shows it, for messages. */
    record Derived(int size, String evidence) {
    }

    /**
     * The size {@code s} shows, if it shows one.
     *
     * @param row   the section's row as the table (and any given size) describes it
     */
    static Optional<Derived> derive(Arch arch, ObjectIndex obj, Section s, SpecialSection row) {
        if (s.entsize() > 0 && s.entsize() <= 4096) {
            return Optional.of(new Derived((int) s.entsize(), "its sh_entsize"));
        }
        if (row.layout() == SpecialSection.Layout.PARALLEL_RECORDS) {
            return parallel(arch, obj, s, row);
        }
        return stride(arch, obj, s, row);
    }

    private static Optional<Derived> stride(Arch arch, ObjectIndex obj, Section s, SpecialSection row) {
        List<Relocation> relocs = Arrays.asList(obj.relocationsOf(s));
        TreeSet<Integer> fitting = new TreeSet<>();
        for (SpecialSection layout : candidates(arch, s.name(), row)) {
            if (layout.fitsRecords(s.size(), relocs, t -> Machines.relocationName(obj.elf.machine(), t))) {
                fitting.add(layout.recordSize());
            }
        }
        return fitting.size() == 1
                ? Optional.of(new Derived(fitting.first(), "the stride of its " + relocs.size() + " relocations"))
                : Optional.empty();
    }

    private static List<SpecialSection> candidates(Arch arch, String name, SpecialSection row) {
        List<SpecialSection> all = new java.util.ArrayList<>(arch.specialSectionLayouts(name));
        if (all.stream().noneMatch(l -> l.recordSize() == row.recordSize())) {
            all.add(row);
        }
        return all;
    }

    /** Entry i of a parallel table describes record i of the table it follows. */
    private static Optional<Derived> parallel(Arch arch, ObjectIndex obj, Section s, SpecialSection row) {
        ElfFile elf = obj.elf;
        Section lead = row.linkedSection() == null ? null : elf.section(row.linkedSection());
        Optional<SpecialSection> leadRow = lead == null ? Optional.empty() : arch.specialSection(lead.name());
        if (leadRow.isEmpty()) {
            return Optional.empty();
        }
        int leadSize = derive(arch, obj, lead, leadRow.get()).map(Derived::size).orElse(leadRow.get().recordSize());
        long records = leadSize == 0 ? 0 : lead.size() / leadSize;
        if (records == 0 || lead.size() % leadSize != 0 || s.size() % records != 0) {
            return Optional.empty();
        }
        return Optional.of(new Derived((int) (s.size() / records), "its size over the " + records + " records of "
                + lead.name()));
    }
}
