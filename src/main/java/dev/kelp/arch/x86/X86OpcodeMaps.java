package dev.kelp.arch.x86;

import dev.kelp.arch.InsnKind;

/**
 * The x86-64 opcode maps as data: for every opcode byte of the one-byte map, the 0F map and the
 * 0F38/0F3A maps, the shape of what follows the opcode (ModRM? which immediate?), and the
 * instruction class of each opcode (and ModRM.reg for group opcodes).
 *
 * <p>Written from the Intel SDM / AMD APM opcode tables (64-bit mode). The shape tables are
 * 16x16 grids whose cells are the tokens below; the class table is a list of
 * {@code "map opcode[-opcode][/reg] KIND"} lines. Both are parsed once into flat arrays.
 *
 * <pre>
 *  .     opcode only                      X     invalid in 64-bit mode
 *  M     ModRM (+SIB, +displacement)      Mr    ModRM, always a register form (mov cr/dr)
 *  Ib    imm8       Iw  imm16             Iz    imm16 with 66, else imm32
 *  Iv    imm16/32/64 (66 / none / REX.W)  Iwb   imm16 then imm8 (enter)
 *  Ob    moffs: 8-byte address, 4 with 67 Jb    rel8       Jz  rel32, rel16 with 66
 *  MIb   ModRM + imm8                     MIz   ModRM + Iz
 *  G6    F6 group: ModRM, imm8 for /0 /1  G7    F7 group: ModRM, Iz for /0 /1
 *  MJz   C7 group: ModRM + Iz; C7 F8 (xbegin) is a Jz branch
 *  M78   0F 78: ModRM; with 66 or F2 (extrq/insertq) two imm8
 *  Pfx   legacy prefix                    Rex   REX prefix (40-4F)
 *  0F 38 3A  escapes to the next map      Vex2 Vex3 Evex  C5 / C4 / 62 prefixes
 *  Xop   8F: pop r/m, or an XOP prefix when the next byte's map field is 8 or more
 * </pre>
 *
 * <p>0F A6 and 0F A7 are the VIA PadLock instructions (xsha1, xcrypt-*, xstore, montmul), which
 * Debian's padlock-aes, padlock-sha and via-rng modules use: ModRM, register form.
 */
final class X86OpcodeMaps {
    private X86OpcodeMaps() {
    }

    // ---- shape encoding (one int per opcode) ----
    static final int F_MODRM = 1;
    static final int F_REGONLY = 2;
    static final int IMM_SHIFT = 4;
    static final int IMM_MASK = 0xF << IMM_SHIFT;
    static final int IMM_NONE = 0, IMM_B = 1, IMM_W = 2, IMM_Z = 3, IMM_V = 4, IMM_WB = 5,
            IMM_MOFFS = 6, IMM_REL8 = 7, IMM_RELZ = 8, IMM_GRP_B = 9, IMM_GRP_Z = 10, IMM_D = 11,
            IMM_BB_IF_66F2 = 12, IMM_Z_OR_RELZ = 13;
    static final int SPECIAL_SHIFT = 8;
    static final int SP_NONE = 0, SP_INVALID = 1, SP_PREFIX = 2, SP_REX = 3, SP_ESC0F = 4,
            SP_ESC38 = 5, SP_ESC3A = 6, SP_VEX2 = 7, SP_VEX3 = 8, SP_EVEX = 9, SP_XOP = 10;

    static final String ONE_BYTE_MAP = """
            M   M   M   M   Ib  Iz  X   X   M   M   M   M   Ib  Iz  X   0F
            M   M   M   M   Ib  Iz  X   X   M   M   M   M   Ib  Iz  X   X
            M   M   M   M   Ib  Iz  Pfx X   M   M   M   M   Ib  Iz  Pfx X
            M   M   M   M   Ib  Iz  Pfx X   M   M   M   M   Ib  Iz  Pfx X
            Rex Rex Rex Rex Rex Rex Rex Rex Rex Rex Rex Rex Rex Rex Rex Rex
            .   .   .   .   .   .   .   .   .   .   .   .   .   .   .   .
            X   X   Evex M  Pfx Pfx Pfx Pfx Iz  MIz Ib  MIb .   .   .   .
            Jb  Jb  Jb  Jb  Jb  Jb  Jb  Jb  Jb  Jb  Jb  Jb  Jb  Jb  Jb  Jb
            MIb MIz X   MIb M   M   M   M   M   M   M   M   M   M   M   Xop
            .   .   .   .   .   .   .   .   .   .   X   .   .   .   .   .
            Ob  Ob  Ob  Ob  .   .   .   .   Ib  Iz  .   .   .   .   .   .
            Ib  Ib  Ib  Ib  Ib  Ib  Ib  Ib  Iv  Iv  Iv  Iv  Iv  Iv  Iv  Iv
            MIb MIb Iw  .   Vex3 Vex2 MIb MJz Iwb . Iw  .   .   Ib  X   .
            M   M   M   M   X   X   X   .   M   M   M   M   M   M   M   M
            Jb  Jb  Jb  Jb  Ib  Ib  Ib  Ib  Jz  Jz  X   Jb  .   .   .   .
            Pfx .   Pfx Pfx .   .   G6  G7  .   .   .   .   .   .   M   M
            """;

    static final String TWO_BYTE_MAP = """
            M   M   M   M   X   .   .   .   .   .   X   .   X   M   .   MIb
            M   M   M   M   M   M   M   M   M   M   M   M   M   M   M   M
            Mr  Mr  Mr  Mr  X   X   X   X   M   M   M   M   M   M   M   M
            .   .   .   .   .   .   X   .   38  X   3A  X   X   X   X   X
            M   M   M   M   M   M   M   M   M   M   M   M   M   M   M   M
            M   M   M   M   M   M   M   M   M   M   M   M   M   M   M   M
            M   M   M   M   M   M   M   M   M   M   M   M   M   M   M   M
            MIb MIb MIb MIb M   M   M   .   M78 M   X   X   M   M   M   M
            Jz  Jz  Jz  Jz  Jz  Jz  Jz  Jz  Jz  Jz  Jz  Jz  Jz  Jz  Jz  Jz
            M   M   M   M   M   M   M   M   M   M   M   M   M   M   M   M
            .   .   .   M   MIb M   M   M   .   .   .   M   MIb M   M   M
            M   M   M   M   M   M   M   M   M   M   MIb M   M   M   M   M
            M   M   MIb M   MIb MIb MIb M   .   .   .   .   .   .   .   .
            M   M   M   M   M   M   M   M   M   M   M   M   M   M   M   M
            M   M   M   M   M   M   M   M   M   M   M   M   M   M   M   M
            M   M   M   M   M   M   M   M   M   M   M   M   M   M   M   M
            """;

    /**
     * Instruction classes: {@code map opcode[-last][/reg] KIND}. Map 0 = one-byte, 1 = 0F.
     * Prefix-dependent cases (endbr = F3 0F 1E FA/FB, pause = F3 90, xchg r8,rax = REX.B 90) are
     * decided in {@link X86Decoder}, which knows the prefixes.
     */
    static final String KINDS = """
            0 E8       CALL
            0 E9       JUMP
            0 EB       JUMP
            0 70-7F    COND_JUMP
            0 E0-E3    COND_JUMP
            1 80-8F    COND_JUMP
            0 C2-C3    RET
            0 CA-CB    RET
            0 CC       TRAP
            1 0B       BUG
            0 90       NOP
            1 19       NOP
            1 1D-1F    NOP
            0 B0-BF    MOV_IMM
            0 C6/0     MOV_IMM
            0 C7/0     MOV_IMM
            0 50-57    PUSH
            0 68       PUSH
            0 6A       PUSH
            0 FF/6     PUSH
            1 A0       PUSH
            1 A8       PUSH
            0 58-5F    POP
            0 8F/0     POP
            1 A1       POP
            1 A9       POP
            0 8D       LEA
            0 FF/2-3   CALL_INDIRECT
            0 FF/4-5   JUMP_INDIRECT
            """;

    /** Shapes of the one-byte map, indexed by opcode. */
    static final int[] ONE_BYTE = parseMap(ONE_BYTE_MAP);
    /** Shapes of the 0F map, indexed by the second opcode byte. */
    static final int[] TWO_BYTE = parseMap(TWO_BYTE_MAP);
    /** 0F38: every opcode has ModRM and no immediate. */
    static final int SHAPE_0F38 = F_MODRM;
    /** 0F3A: every opcode has ModRM and an imm8. */
    static final int SHAPE_0F3A = F_MODRM | IMM_B << IMM_SHIFT;

    /** Instruction class by {@code map << 11 | opcode << 3 | modrm.reg} for maps 0 and 1. */
    static final InsnKind[] KIND = parseKinds(KINDS);

    /**
     * VEX/EVEX map 1 (0F) opcodes that take an imm8: 70-73 (pshuf*, shift groups), C2 (cmpps),
     * C4-C6 (pinsrw, pextrw, shufps). Map 3 (0F3A) always takes one; map 2 (0F38) never.
     */
    static boolean vexMap1HasImm8(int op) {
        return (op >= 0x70 && op <= 0x73) || op == 0xC2 || (op >= 0xC4 && op <= 0xC6);
    }

    /**
     * 3DNow! ({@code 0F 0F modrm suffix}): the opcode is the trailing imm8; these are the
     * defined suffixes. Any other suffix makes the bytes invalid (objdump prints (bad)).
     */
    static final String THREE_DNOW_SUFFIXES =
            "0C 0D 1C 1D 8A 8E 90 94 96 97 9A 9E A0 A4 A6 A7 AA AE B0 B4 B6 B7 BB BF";
    static final boolean[] THREE_DNOW = parseByteSet(THREE_DNOW_SUFFIXES);

    static int imm(int shape) {
        return (shape & IMM_MASK) >>> IMM_SHIFT;
    }

    static int special(int shape) {
        return shape >>> SPECIAL_SHIFT;
    }

    private static boolean[] parseByteSet(String list) {
        boolean[] set = new boolean[256];
        for (String b : list.trim().split("\\s+")) {
            set[Integer.parseInt(b, 16)] = true;
        }
        return set;
    }

    private static int[] parseMap(String grid) {
        String[] tokens = grid.trim().split("\\s+");
        if (tokens.length != 256) {
            throw new IllegalStateException("opcode map must have 256 cells, has " + tokens.length);
        }
        int[] shapes = new int[256];
        for (int i = 0; i < 256; i++) {
            shapes[i] = shapeOf(tokens[i]);
        }
        return shapes;
    }

    private static int shapeOf(String token) {
        return switch (token) {
            case "." -> 0;
            case "X" -> SP_INVALID << SPECIAL_SHIFT;
            case "M" -> F_MODRM;
            case "Mr" -> F_MODRM | F_REGONLY;
            case "Ib" -> IMM_B << IMM_SHIFT;
            case "Iw" -> IMM_W << IMM_SHIFT;
            case "Iz" -> IMM_Z << IMM_SHIFT;
            case "Iv" -> IMM_V << IMM_SHIFT;
            case "Iwb" -> IMM_WB << IMM_SHIFT;
            case "Ob" -> IMM_MOFFS << IMM_SHIFT;
            case "Jb" -> IMM_REL8 << IMM_SHIFT;
            case "Jz" -> IMM_RELZ << IMM_SHIFT;
            case "MIb" -> F_MODRM | IMM_B << IMM_SHIFT;
            case "MIz" -> F_MODRM | IMM_Z << IMM_SHIFT;
            case "MJz" -> F_MODRM | IMM_Z_OR_RELZ << IMM_SHIFT;
            case "G6" -> F_MODRM | IMM_GRP_B << IMM_SHIFT;
            case "G7" -> F_MODRM | IMM_GRP_Z << IMM_SHIFT;
            case "M78" -> F_MODRM | IMM_BB_IF_66F2 << IMM_SHIFT;
            case "Pfx" -> SP_PREFIX << SPECIAL_SHIFT;
            case "Rex" -> SP_REX << SPECIAL_SHIFT;
            case "0F" -> SP_ESC0F << SPECIAL_SHIFT;
            case "38" -> SP_ESC38 << SPECIAL_SHIFT;
            case "3A" -> SP_ESC3A << SPECIAL_SHIFT;
            case "Vex2" -> SP_VEX2 << SPECIAL_SHIFT;
            case "Vex3" -> SP_VEX3 << SPECIAL_SHIFT;
            case "Evex" -> SP_EVEX << SPECIAL_SHIFT;
            case "Xop" -> F_MODRM | SP_XOP << SPECIAL_SHIFT;
            default -> throw new IllegalStateException("unknown opcode-map token " + token);
        };
    }

    private static InsnKind[] parseKinds(String table) {
        InsnKind[] kinds = new InsnKind[2 << 11];
        java.util.Arrays.fill(kinds, InsnKind.OTHER);
        for (String line : table.strip().split("\n")) {
            String[] f = line.trim().split("\\s+");
            int map = Integer.parseInt(f[0]);
            String ops = f[1];
            int regLo = 0, regHi = 7;
            int slash = ops.indexOf('/');
            if (slash >= 0) {
                String regs = ops.substring(slash + 1);
                ops = ops.substring(0, slash);
                int dash = regs.indexOf('-');
                regLo = Integer.parseInt(dash < 0 ? regs : regs.substring(0, dash));
                regHi = dash < 0 ? regLo : Integer.parseInt(regs.substring(dash + 1));
            }
            int dash = ops.indexOf('-');
            int opLo = Integer.parseInt(dash < 0 ? ops : ops.substring(0, dash), 16);
            int opHi = dash < 0 ? opLo : Integer.parseInt(ops.substring(dash + 1), 16);
            InsnKind kind = InsnKind.valueOf(f[2]);
            for (int op = opLo; op <= opHi; op++) {
                for (int reg = regLo; reg <= regHi; reg++) {
                    kinds[map << 11 | op << 3 | reg] = kind;
                }
            }
        }
        return kinds;
    }
}
