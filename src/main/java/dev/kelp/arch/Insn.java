package dev.kelp.arch;

/**
 * One decoded instruction. Mutable and reused: a decoder fills the same object for every
 * instruction so that decoding a whole object allocates nothing per instruction. Copy the
 * fields you need before decoding the next instruction.
 *
 * <p>Field offsets ({@link #dispOffset}, {@link #immOffset}) are relative to the first byte of
 * the instruction; a size of 0 means "no such field". For a PC-relative branch ({@link #relative})
 * the branch displacement is the immediate field.
 */
public final class Insn {
    /** No register operand (memory destination, or not applicable). */
    public static final int NO_REG = -1;

    /** Offset of the first byte in the buffer that was decoded. */
    public int offset;
    /** Address of the first byte (the caller's base address + offset within the buffer). */
    public long address;
    /** Length in bytes, 1..15 on x86; 1 for {@link InsnKind#INVALID}. */
    public int length;
    /** The instruction class. */
    public InsnKind kind = InsnKind.INVALID;
    /** Offset of the memory displacement field within the instruction, if {@link #dispSize} > 0. */
    public int dispOffset;
    /** Size of the displacement field: 0, 1, 4 (x86). */
    public int dispSize;
    /** Offset of the immediate field (or branch displacement) within the instruction. */
    public int immOffset;
    /**
     * Size of the immediate field: 0, 1, 2, 3 (x86 {@code enter iw,ib}: both immediates as one
     * field), 4 or 8.
     */
    public int immSize;
    /** The immediate field's value, little-endian and sign-extended from {@link #immSize} bytes. */
    public long immValue;
    /** True if the immediate is a PC-relative branch displacement (rel8/rel16/rel32). */
    public boolean relative;
    /** True if the memory operand is RIP-relative (the displacement is PC-relative). */
    public boolean ripRelative;
    /**
     * The destination register of a {@link InsnKind#MOV_IMM} into a register (x86 numbering:
     * 0=ax 1=cx 2=dx 3=bx 4=sp 5=bp 6=si 7=di 8..15=r8..r15), otherwise {@link #NO_REG}.
     */
    public int dstReg = NO_REG;
    /** Operand width in bytes for {@link InsnKind#MOV_IMM} (1, 2, 4 or 8), otherwise 0. */
    public int operandSize;
    /**
     * Architecture-specific opcode key (x86: {@code map << 8 | opcode byte}, maps 0=one-byte,
     * 1=0F, 2=0F38, 3=0F3A, 0x1x = VEX map x, 0x2x = EVEX map x, 0x3x = XOP map x).
     */
    public int opcode;

    /** Target address of a relative branch: the address after the instruction plus the displacement. */
    public long target() {
        return address + length + immValue;
    }

    /** Offset just past the instruction in the decoded buffer. */
    public int end() {
        return offset + length;
    }

    @Override
    public String toString() {
        return "Insn{off=" + offset + ", len=" + length + ", kind=" + kind
                + (dispSize > 0 ? ", disp@" + dispOffset + "/" + dispSize : "")
                + (immSize > 0 ? ", imm@" + immOffset + "/" + immSize + "=" + immValue : "")
                + (relative ? ", target=0x" + Long.toHexString(target()) : "")
                + (ripRelative ? ", rip" : "") + ", op=0x" + Integer.toHexString(opcode) + "}";
    }
}
