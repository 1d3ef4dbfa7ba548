package dev.kelp.arch.x86;

import dev.kelp.arch.Arch;
import dev.kelp.arch.CodeScanner;
import dev.kelp.arch.ImmediateField;
import dev.kelp.arch.Insn;
import dev.kelp.arch.InsnKind;
import dev.kelp.arch.RelocIndex;
import dev.kelp.elf.Relocation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds {@code __LINE__} arguments in x86-64 code so that a change that only moves lines (a
 * comment or blank line added above a {@code might_sleep()}) does not make a function "changed".
 *
 * <p>Policy: an immediate is a line number when
 * <ol>
 * <li>it is a {@code mov $imm32, %r32} (B8+r, or C7 /0 with a register operand) with no relocation
 *     on the immediate (a relocated immediate is an address), into the register that carries the
 *     line argument of the callee (System V: rdi, rsi, rdx, rcx, r8, r9 for arguments 0-5; for a
 *     variadic printk-like callee, any of rsi..r9);</li>
 * <li>a linear scan forward from it reaches a direct {@code call} (or tail {@code jmp}) whose
 *     relocation names a function of {@link #LINE_FUNCTIONS}, within {@link #WINDOW}
 *     instructions, without crossing another call, a return, an indirect or unconditional jump, a
 *     trap or another immediate load into the same register (conditional jumps are crossed: the
 *     fall-through path is the one scanned).</li>
 * </ol>
 * The caller masks these fields in both versions and compares the rest byte for byte (together
 * with the relocations), so everything but the line values must still be identical. What it
 * cannot see: a line value in a {@code .cold} part reached by a jump (the function is then
 * reported changed: the safe direction), and a register overwritten by a non-immediate
 * instruction between the load and the call (then a real constant change before a line-function
 * call would be masked; gcc does not schedule argument loads that way).
 */
final class X86LineImmediates {
    /** How far (in instructions) an argument load may be ahead of its call. */
    static final int WINDOW = 16;

    /** Variadic callee: the line can be in any argument register after the format. */
    static final int VARIADIC = -1;

    /** Function → 0-based index of the line argument; verified against the Linux 6.1 headers. */
    static final Map<String, Integer> LINE_FUNCTIONS = table("""
            __might_sleep                     1   include/linux/kernel.h
            ___might_sleep                    1   before 5.15
            __might_resched                   1   include/linux/kernel.h (cond_resched)
            __might_fault                     1   include/linux/kernel.h
            __cant_sleep                      1   include/linux/kernel.h
            __cant_migrate                    1   include/linux/kernel.h
            warn_slowpath_fmt                 1   include/asm-generic/bug.h
            lockdep_rcu_suspicious            1   include/linux/lockdep.h
            __warn_printk                    -1   include/asm-generic/bug.h (WARN(), ASSERT_RTNL)
            _printk                          -1   include/linux/printk.h
            printk                           -1   before 5.15
            __btrfs_handle_fs_error           2   fs/btrfs/ctree.h
            __btrfs_abort_transaction         2   fs/btrfs/ctree.h
            __btrfs_panic                     2   fs/btrfs/ctree.h
            __ext4_error                      2   fs/ext4/ext4.h
            __ext4_error_inode                2   fs/ext4/ext4.h
            __ext4_error_file                 2   fs/ext4/ext4.h
            __ext4_std_error                  2   fs/ext4/ext4.h
            __ext4_warning                    2   fs/ext4/ext4.h
            __ext4_warning_inode              2   fs/ext4/ext4.h
            __ext4_grp_locked_error           1   fs/ext4/ext4.h
            __ext4_mark_inode_dirty           3   fs/ext4/ext4_jbd2.h
            __ext4_journal_get_write_access   1   fs/ext4/ext4_jbd2.h
            __ext4_journal_get_create_access  1   fs/ext4/ext4_jbd2.h
            __ext4_forget                     1   fs/ext4/ext4_jbd2.h
            __ext4_handle_dirty_metadata      1   fs/ext4/ext4_jbd2.h
            __ext4_journal_start_sb           1   fs/ext4/ext4_jbd2.h
            __ext4_journal_start_reserved     1   fs/ext4/ext4_jbd2.h
            __ext4_journal_stop               1   fs/ext4/ext4_jbd2.h
            """);

    /** System V AMD64 integer argument registers, in x86 register numbers. */
    private static final int[] ARG_REGS = {7, 6, 2, 1, 8, 9};

    private X86LineImmediates() {
    }

    static List<ImmediateField> find(Arch arch, Map<String, Integer> functions, byte[] code, int start, int end,
            RelocIndex relocs) {
        // Decode once, remembering what the forward scan needs of each instruction.
        List<Step> steps = new ArrayList<>();
        CodeScanner s = new CodeScanner(arch, code, start, end, relocs);
        while (s.next()) {
            Insn i = s.insn();
            Step step = new Step();
            step.insnOffset = i.offset;
            step.kind = i.kind;
            step.dstReg = i.dstReg;
            step.immOffset = i.immSize == 0 ? -1 : i.offset + i.immOffset;
            step.immSize = i.immSize;
            step.immValue = i.immValue;
            Relocation immReloc = s.immediateReloc();
            step.immRelocated = immReloc != null;
            step.callee = immReloc == null ? null : CodeScanner.symbolName(immReloc);
            step.lineLoad = i.kind == InsnKind.MOV_IMM && i.dstReg >= 0 && i.operandSize == 4 && i.immSize == 4
                    && !step.immRelocated;
            steps.add(step);
        }
        List<ImmediateField> out = new ArrayList<>();
        for (int k = 0; k < steps.size(); k++) {
            Step load = steps.get(k);
            if (!load.lineLoad) {
                continue;
            }
            String callee = calleeReached(steps, k);
            if (callee != null && carriesLine(functions, callee, load.dstReg)) {
                out.add(new ImmediateField(load.insnOffset, load.immOffset, load.immSize, load.immValue, callee));
            }
        }
        return out;
    }

    /** The line function called within the window after steps[k], or null. */
    private static String calleeReached(List<Step> steps, int k) {
        int reg = steps.get(k).dstReg;
        for (int j = k + 1; j < steps.size() && j <= k + WINDOW; j++) {
            Step s = steps.get(j);
            switch (s.kind) {
                case CALL, JUMP:
                    return s.callee; // null for an unrelocated (local) call: not a line function
                case COND_JUMP, NOP, OTHER, PUSH, POP, LEA, LANDING_PAD:
                    break;
                case MOV_IMM:
                    if (s.dstReg == reg) {
                        return null;
                    }
                    break;
                default:
                    return null; // ret, indirect branches, traps, invalid bytes
            }
        }
        return null;
    }

    private static boolean carriesLine(Map<String, Integer> functions, String callee, int reg) {
        Integer index = functions.get(callee);
        if (index == null) {
            return false;
        }
        if (index == VARIADIC) {
            for (int a = 1; a < ARG_REGS.length; a++) {
                if (ARG_REGS[a] == reg) {
                    return true;
                }
            }
            return false;
        }
        return index < ARG_REGS.length && ARG_REGS[index] == reg;
    }

    private static final class Step {
        int insnOffset;
        InsnKind kind;
        int dstReg;
        int immOffset;
        int immSize;
        long immValue;
        boolean immRelocated;
        boolean lineLoad;
        String callee;
    }

    private static Map<String, Integer> table(String text) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String line : text.strip().split("\n")) {
            String[] f = line.trim().split("\\s+");
            m.put(f[0], Integer.parseInt(f[1]));
        }
        return Collections.unmodifiableMap(m);
    }
}
