package dev.kelp.arch.x86;

import static dev.kelp.arch.x86.X86OpcodeMaps.*;

import dev.kelp.arch.Insn;
import dev.kelp.arch.InsnDecoder;
import dev.kelp.arch.InsnKind;

/**
 * Table-driven x86-64 instruction length and field decoder (64-bit mode only).
 *
 * <p>It finds instruction boundaries, the displacement and immediate fields, relative branch
 * targets and a coarse instruction class; it does not name mnemonics or operands. The opcode
 * knowledge lives in {@link X86OpcodeMaps}; this class walks prefixes, escapes, VEX/EVEX/XOP,
 * ModRM/SIB and immediates. Stateless and thread-safe; the {@link Insn} passed in is the only
 * thing written, so a sweep over a whole object allocates nothing per instruction.
 *
 * <p>Where the architecture manuals and GNU objdump differ on lengths, it follows objdump (the
 * test oracle): a 66 prefix makes {@code jmp/call/jcc rel32} take rel16 (AMD behaviour), and a
 * REX prefix that is followed by another prefix is a one-byte instruction of its own (objdump
 * prints it as {@code rex.W} etc.; the CPU would ignore it). gcc emits neither.
 */
final class X86Decoder implements InsnDecoder {
    /** Architectural limit on instruction length. */
    public static final int MAX_LENGTH = 15;

    static final int PFX_66 = 1, PFX_67 = 2, PFX_F2 = 4, PFX_F3 = 8, PFX_LOCK = 16, PFX_SEG = 32;

    private static final X86Decoder INSTANCE = new X86Decoder();

    public static X86Decoder instance() {
        return INSTANCE;
    }

    @Override
    public int maxLength() {
        return MAX_LENGTH;
    }

    @Override
    public int decode(byte[] code, int pos, int end, long address, Insn out) {
        out.offset = pos;
        out.address = address;
        int len = decodeLength(code, pos, Math.min(end, code.length), out);
        if (len <= 0) {
            invalid(out);
            return 1;
        }
        return len;
    }

    private static void invalid(Insn out) {
        fillSimple(out, 1, InsnKind.INVALID, -1);
    }

    /** Returns the length, or 0 for an invalid or truncated instruction. */
    private static int decodeLength(byte[] code, int pos, int end, Insn out) {
        int limit = Math.min(end, pos + MAX_LENGTH);
        int p = pos;
        int prefixes = 0;
        int rex = 0;
        int shape;
        int b;
        // Legacy prefixes and REX. A REX only counts when the opcode follows it directly.
        while (true) {
            if (p >= limit) {
                return 0;
            }
            b = code[p] & 0xFF;
            shape = ONE_BYTE[b];
            int sp = special(shape);
            if (sp == SP_PREFIX) {
                prefixes |= prefixBit(b);
                p++;
            } else if (sp == SP_REX) {
                if (p + 1 < limit && special(ONE_BYTE[code[p + 1] & 0xFF]) == SP_PREFIX) {
                    // objdump shows a REX followed by a legacy prefix as its own "instruction".
                    fillSimple(out, p + 1 - pos, InsnKind.OTHER, b);
                    return p + 1 - pos;
                }
                rex = b;
                p++;
            } else {
                break;
            }
        }
        int map = 0;
        int opsize = (prefixes & PFX_66) != 0 ? 1 : 0;
        boolean rexW = (rex & 8) != 0;
        boolean vexLike = false;
        int sp = special(shape);
        switch (sp) {
            case SP_NONE:
                p++;
                break;
            case SP_INVALID:
                return 0;
            case SP_ESC0F: {
                if (p + 1 >= limit) {
                    return 0;
                }
                int b2 = code[p + 1] & 0xFF;
                if (b2 == 0x38 || b2 == 0x3A) {
                    if (p + 2 >= limit) {
                        return 0;
                    }
                    map = b2 == 0x38 ? 2 : 3;
                    b = code[p + 2] & 0xFF;
                    shape = map == 2 ? SHAPE_0F38 : SHAPE_0F3A;
                    p += 3;
                } else {
                    map = 1;
                    b = b2;
                    shape = TWO_BYTE[b2];
                    if (special(shape) == SP_INVALID) {
                        return 0;
                    }
                    p += 2;
                }
                break;
            }
            case SP_VEX2: {
                if (rex != 0 || p + 2 >= limit) {
                    return 0;
                }
                map = 0x11;
                b = code[p + 2] & 0xFF;
                shape = vexShape(1, b);
                p += 3;
                vexLike = true;
                break;
            }
            case SP_VEX3: {
                if (rex != 0 || p + 3 >= limit) {
                    return 0;
                }
                int m = code[p + 1] & 0x1F;
                if (m < 1 || m > 3) {
                    return 0;
                }
                map = 0x10 | m;
                rexW = (code[p + 2] & 0x80) != 0;
                b = code[p + 3] & 0xFF;
                shape = vexShape(m, b);
                p += 4;
                vexLike = true;
                break;
            }
            case SP_EVEX: {
                if (rex != 0 || p + 4 >= limit) {
                    return 0;
                }
                int p0 = code[p + 1] & 0xFF;
                int p1 = code[p + 2] & 0xFF;
                int m = p0 & 0x07;
                if ((p0 & 0x08) != 0 || (p1 & 0x04) == 0 || m == 0 || m == 4 || m == 7) {
                    return 0;
                }
                map = 0x20 | m;
                b = code[p + 4] & 0xFF;
                shape = m <= 3 ? vexShape(m, b) : F_MODRM;
                p += 5;
                vexLike = true;
                break;
            }
            case SP_XOP: {
                if (p + 1 < limit && (code[p + 1] & 0x1F) >= 8) {
                    if (rex != 0 || p + 3 >= limit) {
                        return 0;
                    }
                    int m = code[p + 1] & 0x1F;
                    if (m > 10) {
                        return 0;
                    }
                    map = 0x30 | m;
                    b = code[p + 3] & 0xFF;
                    shape = F_MODRM | (m == 8 ? IMM_B : m == 10 ? IMM_D : IMM_NONE) << IMM_SHIFT;
                    p += 4;
                    vexLike = true;
                } else {
                    if (p + 1 < limit && ((code[p + 1] >>> 3) & 7) != 0) {
                        return 0; // 8F /1../7 are undefined
                    }
                    p++;
                }
                break;
            }
            default:
                return 0;
        }
        if (vexLike && (prefixes & (PFX_66 | PFX_F2 | PFX_F3 | PFX_LOCK)) != 0) {
            return 0;
        }

        // ModRM, SIB, displacement.
        int modrm = -1;
        int dispOff = 0, dispSize = 0;
        boolean rip = false;
        if ((shape & F_MODRM) != 0) {
            if (p >= limit) {
                return 0;
            }
            modrm = code[p++] & 0xFF;
            int mod = modrm >>> 6;
            int rm = modrm & 7;
            if (mod != 3 && (shape & F_REGONLY) == 0) {
                if (rm == 4) {
                    if (p >= limit) {
                        return 0;
                    }
                    int sib = code[p++] & 0xFF;
                    if (mod == 0 && (sib & 7) == 5) {
                        dispSize = 4;
                    }
                } else if (mod == 0 && rm == 5) {
                    dispSize = 4;
                    rip = true;
                }
                if (mod == 1) {
                    dispSize = 1;
                } else if (mod == 2) {
                    dispSize = 4;
                }
                dispOff = p - pos;
                p += dispSize;
            }
        }
        int reg = modrm < 0 ? 0 : (modrm >>> 3) & 7;

        // Immediate.
        int immSize;
        boolean relative = false;
        switch (imm(shape)) {
            case IMM_NONE -> immSize = 0;
            case IMM_B -> immSize = 1;
            case IMM_W -> immSize = 2;
            case IMM_Z -> immSize = rexW || opsize == 0 ? 4 : 2;
            case IMM_V -> immSize = rexW ? 8 : opsize != 0 ? 2 : 4;
            case IMM_WB -> immSize = 3;
            case IMM_MOFFS -> immSize = (prefixes & PFX_67) != 0 ? 4 : 8;
            case IMM_REL8 -> {
                immSize = 1;
                relative = true;
            }
            case IMM_RELZ -> {
                immSize = opsize != 0 ? 2 : 4;
                relative = true;
            }
            case IMM_GRP_B -> immSize = reg < 2 ? 1 : 0;
            case IMM_GRP_Z -> immSize = reg >= 2 ? 0 : rexW || opsize == 0 ? 4 : 2;
            case IMM_D -> immSize = 4;
            case IMM_BB_IF_66F2 -> immSize = (prefixes & (PFX_66 | PFX_F2)) != 0 ? 2 : 0;
            case IMM_Z_OR_RELZ -> {
                immSize = rexW || opsize == 0 ? 4 : 2;
                relative = modrm == 0xF8;
            }
            default -> immSize = 0;
        }
        int immOff = p - pos;
        p += immSize;
        if (p > limit) {
            return 0;
        }
        int length = p - pos;
        if (map == 1 && b == 0x0F && !THREE_DNOW[code[p - 1] & 0xFF]) {
            return 0; // 3DNow! with an undefined suffix opcode
        }

        out.length = length;
        out.dispOffset = dispSize == 0 ? 0 : dispOff;
        out.dispSize = dispSize;
        out.ripRelative = rip;
        out.immOffset = immSize == 0 ? 0 : immOff;
        out.immSize = immSize;
        out.immValue = immSize == 0 ? 0 : readSigned(code, pos + immOff, immSize == 3 ? 2 : immSize);
        if (immSize == 3) {
            // enter iw, ib: report both as one field; the value is the 24-bit little-endian word.
            out.immValue = (code[pos + immOff] & 0xFF) | (code[pos + immOff + 1] & 0xFF) << 8
                    | (code[pos + immOff + 2] & 0xFF) << 16;
        }
        out.relative = relative;
        out.opcode = map << 8 | b;
        classify(out, map, b, modrm, reg, prefixes, rex, vexLike);
        return length;
    }

    private static void classify(Insn out, int map, int op, int modrm, int reg, int prefixes, int rex,
            boolean vexLike) {
        out.dstReg = Insn.NO_REG;
        out.operandSize = 0;
        if (vexLike || map > 1) {
            out.kind = InsnKind.OTHER;
            return;
        }
        InsnKind kind = KIND[map << 11 | op << 3 | reg];
        if (map == 0) {
            if (op == 0x90 && ((rex & 1) != 0 || (prefixes & PFX_F3) != 0)) {
                kind = InsnKind.OTHER; // xchg %eax,%r8d / pause
            } else if (op == 0xC7 && modrm == 0xF8) {
                kind = InsnKind.COND_JUMP; // xbegin: falls through or aborts to the target
            } else if (kind == InsnKind.MOV_IMM) {
                movImm(out, op, modrm, prefixes, rex);
            }
        } else if (op == 0x1E && (prefixes & PFX_F3) != 0) {
            // F3 0F 1E is CET: endbr64/endbr32, rdssp; without F3 it is a hint NOP
            kind = modrm == 0xFA || modrm == 0xFB ? InsnKind.LANDING_PAD : InsnKind.OTHER;
        }
        out.kind = kind;
    }

    private static void movImm(Insn out, int op, int modrm, int prefixes, int rex) {
        int wide = (rex & 8) != 0 ? 8 : (prefixes & PFX_66) != 0 ? 2 : 4;
        if (op >= 0xB0 && op <= 0xBF) {
            out.dstReg = (op & 7) | (rex & 1) << 3;
            out.operandSize = op < 0xB8 ? 1 : wide;
        } else {
            out.dstReg = (modrm >>> 6) == 3 ? (modrm & 7) | (rex & 1) << 3 : Insn.NO_REG;
            out.operandSize = op == 0xC6 ? 1 : wide;
        }
    }

    private static void fillSimple(Insn out, int length, InsnKind kind, int opcode) {
        out.length = length;
        out.kind = kind;
        out.dispOffset = 0;
        out.dispSize = 0;
        out.immOffset = 0;
        out.immSize = 0;
        out.immValue = 0;
        out.relative = false;
        out.ripRelative = false;
        out.dstReg = Insn.NO_REG;
        out.operandSize = 0;
        out.opcode = opcode;
    }

    private static int vexShape(int map, int op) {
        if (map == 1) {
            if (op == 0x77) {
                return 0; // vzeroupper / vzeroall
            }
            return vexMap1HasImm8(op) ? SHAPE_0F3A : F_MODRM;
        }
        return map == 3 ? SHAPE_0F3A : F_MODRM;
    }

    private static int prefixBit(int b) {
        return switch (b) {
            case 0x66 -> PFX_66;
            case 0x67 -> PFX_67;
            case 0xF2 -> PFX_F2;
            case 0xF3 -> PFX_F3;
            case 0xF0 -> PFX_LOCK;
            default -> PFX_SEG;
        };
    }

    static long readSigned(byte[] code, int at, int size) {
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = v << 8 | (code[at + i] & 0xFF);
        }
        int shift = 64 - 8 * size;
        return v << shift >> shift;
    }
}
