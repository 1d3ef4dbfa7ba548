package dev.kelp.arch.x86;

import dev.kelp.arch.LivepatchArch;
import java.util.Map;
import java.util.Set;

/**
 * x86-64 as Linux 6.1 loads modules: {@code arch/x86/kernel/module.c apply_relocate_add}
 * handles NONE, 64, 32, 32S, PC32, PLT32 and PC64 and refuses anything else; each non-NONE type
 * refuses to write over non-zero bytes. The special sections are those the loader's
 * {@code module_finalize} and the generic loader walk at load time.
 */
public final class X86Livepatch implements LivepatchArch {
    public static final X86Livepatch INSTANCE = new X86Livepatch();

    public static final int R_X86_64_NONE = 0;
    public static final int R_X86_64_64 = 1;
    public static final int R_X86_64_PC32 = 2;
    public static final int R_X86_64_PLT32 = 4;
    public static final int R_X86_64_32 = 10;
    public static final int R_X86_64_32S = 11;
    public static final int R_X86_64_PC64 = 24;

    /** Type → bytes written. */
    private static final Map<Integer, Integer> WIDTH = Map.of(
            R_X86_64_NONE, 0,
            R_X86_64_64, 8,
            R_X86_64_PC32, 4,
            R_X86_64_PLT32, 4,
            R_X86_64_32, 4,
            R_X86_64_32S, 4,
            R_X86_64_PC64, 8);

    private static final Set<String> SPECIAL = Set.of(
            "__jump_table", ".static_call_sites", ".altinstructions", ".altinstr_replacement",
            ".parainstructions", ".smp_locks", ".retpoline_sites", ".return_sites", ".call_sites",
            ".ibt_endbr_seal", "__bug_table", "__ex_table", ".orc_unwind_ip", "__mcount_loc",
            "__tracepoints_ptrs", "__tracepoints", "__dyndbg", ".static_call.text", ".printk_index");

    private X86Livepatch() {}

    @Override
    public String name() {
        return "x86-64";
    }

    @Override
    public Set<Integer> loaderRelocationTypes() {
        return WIDTH.keySet();
    }

    @Override
    public int fieldWidth(int type) {
        return WIDTH.getOrDefault(type, -1);
    }

    @Override
    public int absolute64() {
        return R_X86_64_64;
    }

    @Override
    public Set<String> specialSections() {
        return SPECIAL;
    }
}
