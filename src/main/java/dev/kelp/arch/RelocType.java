package dev.kelp.arch;

/**
 * What one relocation type of an architecture means, as data.
 *
 * @param type        the ELF r_type number
 * @param name        the psABI name (e.g. {@code R_X86_64_PC32})
 * @param width       bytes the relocation writes (0 for NONE and for types that write nothing)
 * @param kind        how the value is formed
 * @param range       which values fit the field (for "out-of-range relocation" checks)
 * @param moduleLoaderAccepts true if the reference kernel's module loader (Linux 6.1,
 *                    {@code apply_relocate_add}) applies this type; a livepatch module must use
 *                    only these
 */
public record RelocType(int type, String name, int width, Kind kind, Range range, boolean moduleLoaderAccepts) {

    /** How the relocated value is computed (S = symbol, A = addend, P = field address). */
    public enum Kind {
        /** Writes nothing (R_*_NONE); objtool turns fentry calls into NOPs and leaves such relocations. */
        NONE,
        /** S + A. */
        ABSOLUTE,
        /** S + A - P. */
        PC_RELATIVE,
        /** GOT, PLT-offset, TLS, size and dynamic-linker types: never in kernel objects. */
        OTHER
    }

    /** Which results fit the field. */
    public enum Range {
        /** Anything (full-width field, or nothing written). */
        ANY,
        /** Zero-extended: 0 .. 2^(8*width)-1. */
        UNSIGNED,
        /** Sign-extended: -2^(8*width-1) .. 2^(8*width-1)-1. */
        SIGNED
    }

    public boolean isPcRelative() {
        return kind == Kind.PC_RELATIVE;
    }

    /**
     * The offset inside the target symbol (section) that a relocation refers to, so that
     * "symbol + offset" can be compared and mapped to the symbol that contains it.
     *
     * <p>For an absolute type that is the addend. For a PC-relative type the consumer adds the
     * value to some base: in DATA (special-section records, {@code .long x - .}) the base is the
     * field itself, so the location is again {@code S + A}; in CODE the CPU adds the address of the
     * END OF THE INSTRUCTION, so the location is {@code S + A + (insnEnd - fieldOffset)}, which for
     * the usual case of the field ending the instruction ({@code call}, {@code jmp}, {@code mov
     * x(%rip),%reg}) is {@code A + 4} on x86-64. Use {@link CodeScanner#referencedOffset} to get
     * the distance right when an immediate follows the field ({@code cmpl $1, x(%rip)}).
     *
     * @param fieldToInsnEnd bytes from the relocated field to the end of its instruction; 0 in data
     */
    public long referencedOffset(long addend, int fieldToInsnEnd) {
        return kind == Kind.PC_RELATIVE ? addend + fieldToInsnEnd : addend;
    }

    /** True if {@code value} fits the field (the check a linker or module loader makes). */
    public boolean fits(long value) {
        if (range == Range.ANY || width >= 8) {
            return true;
        }
        int bits = 8 * width;
        if (range == Range.UNSIGNED) {
            return value >= 0 && value < (1L << bits);
        }
        long half = 1L << (bits - 1);
        return value >= -half && value < half;
    }
}
