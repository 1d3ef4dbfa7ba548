package dev.kelp.arch;

import dev.kelp.elf.Relocation;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything architecture-specific that the generic stages (diff, klp, module) need, so that
 * they never switch on the ELF machine. Obtain one from the registry,
 * {@code dev.kelp.arch.registry.Machines.forElf(machine).arch()}.
 */
public interface Arch {

    /**
     * The C types of the special sections whose record size the target kernel defines, to be
     * measured on its headers (see {@link RecordCType}).
     */
    default List<RecordCType> recordTypes() {
        return List.of();
    }

    /** Short name, as in kernel ARCH= ("x86_64"). */
    String name();

    /** The ELF e_machine this implementation handles. */
    int elfMachine();

    /** The instruction decoder (stateless, shareable). */
    InsnDecoder decoder();

    // ---- relocations ----

    /** Every relocation type this architecture defines, as data. */
    List<RelocType> relocTypes();

    /** The meaning of one relocation type, if known. */
    Optional<RelocType> relocType(int type);

    /** The type for an 8-byte absolute address (x86-64: R_X86_64_64), e.g. for __mcount_loc entries. */
    RelocType absolute64();

    /** The type for a 4-byte PC-relative reference in data records (x86-64: R_X86_64_PC32). */
    RelocType pcRelative32();

    /** The type written by objtool over a NOP'd ftrace call (x86-64: R_X86_64_NONE). */
    RelocType none();

    // ---- function shape ----

    /**
     * Where the ftrace hook of the function at {@code code[start, end)} is, given the relocations of
     * its section (section-relative offsets). Never throws on odd bytes: returns form NONE.
     */
    FunctionEntry functionEntry(byte[] code, int start, int end, RelocIndex relocs);

    /** {@link #functionEntry(byte[], int, int, RelocIndex)} for a plain list (indexed on each call). */
    default FunctionEntry functionEntry(byte[] code, int start, int end, List<Relocation> relocs) {
        return functionEntry(code, start, end, RelocIndex.of(relocs));
    }

    /** Name of the ftrace entry function the hook calls ("__fentry__"). */
    String ftraceEntrySymbol();

    /**
     * Prefix of the padding symbols that compilers place in front of functions ("__pfx_"; the
     * kernel names them {@code __pfx_<function>} and, with kCFI, {@code __cfi_<function>}).
     */
    List<String> paddingSymbolPrefixes();

    /** True if {@code code[start, end)} is nothing but padding (NOPs of any length, int3). Empty is padding. */
    boolean isPadding(byte[] code, int start, int end);

    // ---- line numbers ----

    /**
     * The immediates in {@code code[start, end)} that are {@code __LINE__}-style arguments of
     * line-reporting functions ({@link #lineFunctions()}), per the policy documented in
     * docs/arch-x86.md. Offsets are those of {@code code}.
     */
    default List<ImmediateField> lineImmediates(byte[] code, int start, int end, RelocIndex relocs) {
        return lineImmediates(code, start, end, relocs, lineFunctions());
    }

    /** As above with the caller's own line functions (name → line argument index, -1 variadic). */
    List<ImmediateField> lineImmediates(byte[] code, int start, int end, RelocIndex relocs,
            Map<String, Integer> functions);

    /** {@link #lineImmediates(byte[], int, int, RelocIndex)} for a plain list. */
    default List<ImmediateField> lineImmediates(byte[] code, int start, int end, List<Relocation> relocs) {
        return lineImmediates(code, start, end, RelocIndex.of(relocs));
    }

    /**
     * A copy of {@code code[start, end)} with every {@link #lineImmediates} field zeroed: two
     * versions of a function that differ only in line numbers compare equal after masking.
     */
    default byte[] maskLineImmediates(byte[] code, int start, int end, RelocIndex relocs) {
        byte[] copy = java.util.Arrays.copyOfRange(code, start, end);
        for (ImmediateField f : lineImmediates(code, start, end, relocs)) {
            java.util.Arrays.fill(copy, f.offset() - start, f.offset() - start + f.size(), (byte) 0);
        }
        return copy;
    }

    /** {@link #maskLineImmediates(byte[], int, int, RelocIndex)} for a plain list. */
    default byte[] maskLineImmediates(byte[] code, int start, int end, List<Relocation> relocs) {
        return maskLineImmediates(code, start, end, RelocIndex.of(relocs));
    }

    /** The line-reporting functions: name → 0-based index of the line argument (-1: any variadic argument). */
    Map<String, Integer> lineFunctions();

    // ---- special sections ----

    /** The special-section table with the reference kernel's (Linux 6.1) record sizes. */
    List<SpecialSection> specialSections();

    /**
     * The table with record sizes overridden by {@code structSizes} (keys as in
     * {@link SpecialSection#structSizeKey()}: bug, ex, alt, jump, orc, static_call, printk_index,
     * para). A size that has no known layout for a section is an error naming the key.
     */
    List<SpecialSection> specialSections(Map<String, Integer> structSizes);

    /**
     * Every record layout kelp knows for a section, the reference kernel's first, then those of
     * older kernels (to recognise an object's own record size).
     */
    default List<SpecialSection> specialSectionLayouts(String sectionName) {
        return specialSection(sectionName).map(List::of).orElse(List.of());
    }

    /** The keys {@code --struct-sizes} accepts on this architecture. */
    default java.util.Set<String> structSizeKeys() {
        java.util.Set<String> keys = new java.util.TreeSet<>();
        specialSections().stream().map(SpecialSection::structSizeKey).filter(java.util.Objects::nonNull)
                .forEach(keys::add);
        return keys;
    }

    /** The entry for a section name (exact names first, then prefix entries like ".discard."). */
    default Optional<SpecialSection> specialSection(String sectionName) {
        return SpecialSection.lookup(specialSections(), sectionName);
    }
}
