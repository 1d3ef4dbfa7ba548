package dev.kelp.arch.x86;

import dev.kelp.arch.Insn;
import dev.kelp.arch.InsnKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares {@link X86Decoder} with objdump on every instruction objdump prints: length, branch
 * target, RIP-relative displacement, immediate value and instruction class. Since objdump
 * restarts decoding at every symbol and after (bad), agreeing on the length at every instruction
 * it prints means a linear sweep of the decoder reproduces all of objdump's boundaries.
 */
final class ObjdumpComparison {
    private static final Pattern BARE_TARGET = Pattern.compile("^([0-9a-f]+)(?: <.*)?$");
    private static final Pattern RIP_COMMENT = Pattern.compile("\\(%[re]ip\\).*#\\s+([0-9a-f]+)");
    private static final Pattern FIRST_IMM = Pattern.compile("^\\$0x([0-9a-f]+),");
    private static final int MAX_EXAMPLES = 25;

    long files;
    long sections;
    long bytes;
    long instructions;
    long badLines;
    long badLinesDecodedInvalid;
    long branchesChecked;
    long ripChecked;
    long immChecked;
    long vex;
    long evex;
    long mismatches;
    final List<String> examples = new ArrayList<>();

    void compare(Path file) {
        files++;
        Insn insn = new Insn();
        X86Decoder dec = X86Decoder.instance();
        for (ObjdumpListing.Section s : ObjdumpListing.of(file)) {
            sections++;
            byte[] code = s.bytes();
            bytes += code.length;
            for (ObjdumpListing.Line line : s.lines()) {
                int at = (int) line.address();
                dec.decode(code, at, code.length, line.address(), insn);
                if (line.bad()) {
                    badLines++;
                    if (insn.kind == InsnKind.INVALID) {
                        badLinesDecodedInvalid++;
                    }
                    continue;
                }
                instructions++;
                if ((insn.opcode >> 8 & 0xF0) == 0x10) {
                    vex++;
                } else if ((insn.opcode >> 8 & 0xF0) == 0x20) {
                    evex++;
                }
                String why = disagreement(code, line, insn);
                if (why != null) {
                    mismatches++;
                    if (examples.size() < MAX_EXAMPLES) {
                        int n = Math.min(code.length - at, 15);
                        examples.add(file.getFileName() + " " + s.name() + "+0x" + Long.toHexString(line.address())
                                + " [" + HexFormat.ofDelimiter(" ").formatHex(code, at, at + n) + "] objdump '"
                                + line.text() + "' len " + line.length() + ": " + why + " (" + insn + ")");
                    }
                }
            }
        }
    }

    private String disagreement(byte[] code, ObjdumpListing.Line line, Insn insn) {
        if (insn.length != line.length()) {
            return "length " + insn.length;
        }
        String text = line.text().trim();
        String mnemonic = line.mnemonic();
        String operands = operandsAfter(text, mnemonic);
        InsnKind expected = expectedKind(mnemonic, operands);
        if (expected != insn.kind) {
            return "kind " + insn.kind + ", objdump implies " + expected;
        }
        boolean objdumpRelative = isBranch(mnemonic) && BARE_TARGET.matcher(operands).matches();
        if (objdumpRelative != insn.relative) {
            return "relative=" + insn.relative;
        }
        if (objdumpRelative) {
            branchesChecked++;
            Matcher m = BARE_TARGET.matcher(operands);
            m.matches();
            long target = Long.parseUnsignedLong(m.group(1), 16);
            if (target != insn.target()) {
                return "target 0x" + Long.toHexString(insn.target());
            }
        }
        Matcher rip = RIP_COMMENT.matcher(text);
        if (rip.find() != insn.ripRelative) {
            return "ripRelative=" + insn.ripRelative;
        }
        if (insn.ripRelative) {
            ripChecked++;
            long expectedTarget = Long.parseUnsignedLong(rip.group(1), 16);
            long disp = insn.dispSize == 4 ? X86Decoder.readSigned(code, insn.offset + insn.dispOffset, 4) : 0;
            if (insn.dispSize != 4 || insn.address + insn.length + disp != expectedTarget) {
                return "rip displacement field " + insn.dispOffset + "/" + insn.dispSize;
            }
        }
        Matcher imm = FIRST_IMM.matcher(operands);
        if (imm.find() && text.indexOf('$') == text.lastIndexOf('$') && !insn.relative) {
            immChecked++;
            if (insn.immSize == 0 || insn.immSize > 8) {
                return "no immediate field";
            }
            long mask = insn.immSize == 8 ? -1L : (1L << (8 * insn.immSize)) - 1;
            long objdumpValue = Long.parseUnsignedLong(imm.group(1), 16);
            if ((objdumpValue & mask) != (insn.immValue & mask)) {
                return "immediate 0x" + Long.toHexString(insn.immValue);
            }
        }
        return null;
    }

    static String operandsAfter(String text, String mnemonic) {
        int i = text.indexOf(mnemonic);
        String rest = i < 0 ? "" : text.substring(i + mnemonic.length()).trim();
        int hash = rest.indexOf('#');
        return (hash >= 0 ? rest.substring(0, hash) : rest).trim();
    }

    static boolean isBranch(String m) {
        return m.startsWith("call") || m.startsWith("jmp") || isCondJump(m) || m.equals("xbegin");
    }

    static boolean isCondJump(String m) {
        return (m.startsWith("j") && !m.startsWith("jmp")) || m.startsWith("loop") || m.equals("xbegin");
    }

    static InsnKind expectedKind(String m, String operands) {
        boolean indirect = operands.startsWith("*");
        if (m.startsWith("call") || m.equals("lcall")) {
            return indirect ? InsnKind.CALL_INDIRECT : InsnKind.CALL;
        }
        if (m.startsWith("jmp") || m.equals("ljmp")) {
            return indirect ? InsnKind.JUMP_INDIRECT : InsnKind.JUMP;
        }
        if (isCondJump(m)) {
            return InsnKind.COND_JUMP;
        }
        switch (m) {
            case "ret", "retq", "retw", "retl", "lret", "lretq", "lretw", "lretl":
                return InsnKind.RET;
            case "nop", "nopl", "nopw", "nopq":
                return InsnKind.NOP;
            case "int3":
                return InsnKind.TRAP;
            case "ud2":
                return InsnKind.BUG;
            case "endbr64", "endbr32":
                return InsnKind.LANDING_PAD;
            case "push", "pushq", "pushw", "pushl":
                return InsnKind.PUSH;
            case "pop", "popq", "popw", "popl":
                return InsnKind.POP;
            case "lea":
                return InsnKind.LEA;
            case "xchg":
                return operands.equals("%ax,%ax") ? InsnKind.NOP : InsnKind.OTHER;
            default:
                break;
        }
        if ((m.equals("mov") || m.equals("movb") || m.equals("movw") || m.equals("movl") || m.equals("movq")
                || m.equals("movabs")) && operands.startsWith("$")) {
            return InsnKind.MOV_IMM;
        }
        return InsnKind.OTHER;
    }

    String summary() {
        return String.format("%d files, %d executable sections, %d bytes, %d instructions compared "
                + "(%d relative branches, %d RIP-relative operands, %d immediates checked, %d VEX, %d EVEX), "
                + "%d mismatches; "
                + "%d objdump (bad) lines, %d of them also invalid for kelp",
                files, sections, bytes, instructions, branchesChecked, ripChecked, immChecked, vex, evex, mismatches,
                badLines, badLinesDecodedInvalid);
    }
}
