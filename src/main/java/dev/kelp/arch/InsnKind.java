package dev.kelp.arch;

/**
 * The instruction classes the differ cares about, common to all architectures. Anything that
 * does not affect control flow, padding or immediate masking is {@link #OTHER}.
 */
public enum InsnKind {
    /** Anything else. */
    OTHER,
    /** Direct call with a PC-relative displacement ({@link Insn#relative} is set). */
    CALL,
    /** Call through a register or memory operand. */
    CALL_INDIRECT,
    /** Unconditional direct jump with a PC-relative displacement. */
    JUMP,
    /** Jump through a register or memory operand. */
    JUMP_INDIRECT,
    /** Conditional direct jump (x86: jcc, jrcxz, loop; also xbegin) with a PC-relative displacement. */
    COND_JUMP,
    /** Return (x86: ret, ret imm16, far ret). */
    RET,
    /** An instruction that does nothing, usable as padding (x86: nop, nopw/nopl forms, 66 90). */
    NOP,
    /** Breakpoint trap, also used as padding (x86: int3). */
    TRAP,
    /** The architecture's "undefined instruction" that the kernel uses for BUG()/WARN() (x86: ud2). */
    BUG,
    /** Indirect-branch landing pad (x86: endbr64/endbr32). */
    LANDING_PAD,
    /** Move of an immediate into a register or memory ({@link Insn#dstReg} names the register). */
    MOV_IMM,
    /** Push onto the stack. */
    PUSH,
    /** Pop from the stack. */
    POP,
    /** Load effective address. */
    LEA,
    /** Bytes that are not a valid instruction (data in text, truncated encoding). Length is 1. */
    INVALID
}
