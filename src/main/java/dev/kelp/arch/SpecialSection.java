package dev.kelp.arch;

import dev.kelp.elf.Relocation;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * One row of an architecture's special-section table: a section the kernel reads as an array of
 * records (or as code pieces referenced by such records), how a record is tied to a function,
 * and what a livepatch differ does with it. Pure data; the differ implements the rules.
 *
 * @param name            section name, or a name prefix when {@code prefix} is true (".discard.")
 * @param prefix          whether {@code name} is a prefix
 * @param layout          how the section is divided into records
 * @param recordSize      bytes per record for {@link Layout#RECORDS} / {@link Layout#PARALLEL_RECORDS}, else 0
 * @param contentSize     bytes of a record before its trailing alignment padding (the last record of
 *                        an object may end there: .parainstructions records are 12 bytes padded to 16);
 *                        equals {@code recordSize} when records are not padded
 * @param structSizeKey   key of the {@code --struct-sizes} option that overrides {@code recordSize}, or null
 *                        when the size is fixed by the format
 * @param fields          the relocated fields of one record, by offset inside the record
 * @param lineFields      non-relocated fields that hold {@code __LINE__} values (to mask when comparing)
 * @param keep            what the differ keeps
 * @param linkedSection   the section this one is tied to (replacement code, parallel array, ...), or null
 * @param source          where the layout was read (kernel header or tool)
 * @param notes           layout and policy details for the differ
 * @param readAtLoad      true if the kernel walks the section's entries when a module loads
 *                        ({@code module_finalize}, jump labels, static calls, ftrace, tracepoints...),
 *                        so an entry must not depend on a klp relocation that is applied later
 * @param keyUse          for a section with a KEY field: what a record is and how a patch does
 *                        without a module's key (the differ's refusal names both); else null
 */
public record SpecialSection(String name, boolean prefix, Layout layout, int recordSize, int contentSize,
        String structSizeKey,
        List<Field> fields, List<Field> lineFields, Keep keep, String linkedSection, String source, String notes,
        boolean readAtLoad, KeyUse keyUse) {

    public SpecialSection {
        fields = List.copyOf(fields);
        lineFields = List.copyOf(lineFields);
    }

    /**
     * What a record with a KEY field is ("jump label") and what a patch uses instead when the key
     * is defined in a module ("use static_key_enabled() instead").
     */
    public record KeyUse(String what, String instead) {
    }

    /** This row, marked as walked by the kernel when a module loads. */
    public SpecialSection markedReadAtLoad() {
        return new SpecialSection(name, prefix, layout, recordSize, contentSize, structSizeKey, fields, lineFields,
                keep, linkedSection, source, notes, true, keyUse);
    }

    /** This row with what its KEY records are and how a patch does without a module's key. */
    public SpecialSection withKeyUse(String what, String instead) {
        return new SpecialSection(name, prefix, layout, recordSize, contentSize, structSizeKey, fields, lineFields,
                keep, linkedSection, source, notes, readAtLoad, new KeyUse(what, instead));
    }

    /** This row, naming every section whose name starts with {@link #name}. */
    public SpecialSection asPrefix() {
        return new SpecialSection(name, true, layout, recordSize, contentSize, structSizeKey, fields, lineFields,
                keep, linkedSection, source, notes, readAtLoad, keyUse);
    }

    /** This row with another record size (same fields), e.g. a size a kernel's headers define. */
    public SpecialSection withRecordSize(int size, int content, String why) {
        return new SpecialSection(name, prefix, layout, size, content, structSizeKey, fields, lineFields, keep,
                linkedSection, source, notes + why, readAtLoad, keyUse);
    }

    /** How the section is divided. */
    public enum Layout {
        /** An array of fixed-size records, each with the {@link #fields} relocations. */
        RECORDS,
        /** Records without relocations, in step with the records of {@link #linkedSection} (ORC). */
        PARALLEL_RECORDS,
        /**
         * Variable-size code pieces; piece boundaries are the targets of the linked section's
         * TARGET relocations (.altinstr_replacement, .fixup).
         */
        PIECES,
        /** Code that included functions reference directly; no record structure (.altinstr_aux). */
        CODE,
        /** Not divided (the differ does not look inside). */
        OPAQUE
    }

    /** What a relocated field refers to. */
    public enum Role {
        /** The code location that ties the record to the function containing it. */
        ANCHOR,
        /** Another code location the record needs (jump target, fixup, replacement code). */
        TARGET,
        /** A key object (static key, static call key); low addend bits may carry flags. */
        KEY,
        /** Other data (file name string, pointer to a descriptor). */
        DATA,
        /** A non-relocated {@code __LINE__} value. */
        LINE
    }

    /** What the differ does with the section. */
    public enum Keep {
        /** Keep exactly the records whose ANCHOR points into an included function; drop the section if none. */
        ANCHOR_INCLUDED,
        /** Keep the pieces (or the whole section) that TARGET relocations of kept {@link #linkedSection} records point at. */
        WITH_KEPT_RECORDS,
        /** Keep record i exactly when record i of {@link #linkedSection} is kept. */
        PARALLEL,
        /** Include what included code references, like any data (descriptors, aux code). */
        REFERENCED,
        /** Do not diff; the output stage generates it again for the included functions. */
        REGENERATE,
        /** Ignore: never part of the comparison or the output. */
        DROP,
        /** Belongs to the running kernel; a patch refers to the original through (klp) relocations and never carries a copy. */
        NEVER_INCLUDE
    }

    /**
     * A field of a record.
     *
     * @param offset          offset inside the record
     * @param size            bytes
     * @param relocType       relocation type name expected there (null for a non-relocated field)
     * @param role            what it refers to
     * @param optional        true if some kernel versions have no relocation here (e.g. the
     *                        pre-5.16 __ex_table handler)
     * @param addendFlagMask  addend bits that are flags, not part of the offset (jump label branch
     *                        bits, static call TAIL/INIT bits); mask them off before locating the target
     * @param description     what the field is
     */
    public record Field(int offset, int size, String relocType, Role role, boolean optional, long addendFlagMask,
            String description) {
    }

    /** Number of records in a section of {@code sectionSize} bytes, counting a final record cut at its content size. */
    public long recordCount(long sectionSize) {
        if (recordSize == 0) {
            return 0;
        }
        long whole = sectionSize / recordSize;
        return sectionSize % recordSize == 0 ? whole : whole + 1;
    }

    /** True if {@code sectionSize} is a whole number of records (the last one possibly cut at its content size). */
    public boolean isWholeRecords(long sectionSize) {
        if (recordSize == 0) {
            return false;
        }
        long rest = sectionSize % recordSize;
        return rest == 0 || rest == contentSize;
    }

    /**
     * Whether a section of {@code sectionSize} bytes with these relocations (offsets inside the
     * section) is an array of this row's records: whole records, every relocation on a field of
     * its record with the field's type, and every non-optional field relocated in every record.
     */
    public boolean fitsRecords(long sectionSize, List<Relocation> relocs, IntFunction<String> typeName) {
        if (recordSize <= 0 || !isWholeRecords(sectionSize) || relocs.isEmpty()) {
            return false;
        }
        long records = recordCount(sectionSize);
        Map<Integer, Set<Long>> recordsByField = new HashMap<>();
        for (Relocation r : relocs) {
            Optional<Field> f = fieldAt(r.offset() % recordSize);
            if (f.isEmpty() || (f.get().relocType() != null && !f.get().relocType().equals(typeName.apply(r.type())))) {
                return false;
            }
            recordsByField.computeIfAbsent(f.get().offset(), k -> new HashSet<>()).add(r.offset() / recordSize);
        }
        for (Field f : fields) {
            if (!f.optional() && recordsByField.getOrDefault(f.offset(), Set.of()).size() != records) {
                return false;
            }
        }
        return true;
    }

    /** The field whose offset inside the record is {@code offsetInRecord}, if any. */
    public Optional<Field> fieldAt(long offsetInRecord) {
        return fields.stream().filter(f -> f.offset() == offsetInRecord).findFirst();
    }

    /** The ANCHOR field, if the record has one. */
    public Optional<Field> anchor() {
        return fields.stream().filter(f -> f.role() == Role.ANCHOR).findFirst();
    }

    /** True if this row describes {@code sectionName}. */
    public boolean matches(String sectionName) {
        return prefix ? sectionName.startsWith(name) : sectionName.equals(name);
    }

    /** Exact-name rows win over prefix rows. */
    public static Optional<SpecialSection> lookup(List<SpecialSection> table, String sectionName) {
        Optional<SpecialSection> exact = table.stream().filter(s -> !s.prefix() && s.matches(sectionName)).findFirst();
        return exact.isPresent() ? exact : table.stream().filter(s -> s.prefix() && s.matches(sectionName)).findFirst();
    }
}
