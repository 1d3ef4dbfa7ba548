package dev.kelp.arch.x86;

import dev.kelp.arch.RecordCType;
import java.util.List;

/**
 * The C types of the x86-64 special sections whose record size depends on the kernel version or
 * config (the sections with a struct-size key in {@link X86SpecialSections}). Data, read from the
 * kernel headers each row names.
 */
final class X86RecordTypes {
    private X86RecordTypes() {
    }

    public static final List<RecordCType> ALL = List.of(
            new RecordCType("__bug_table", "struct bug_entry", "linux/bug.h", "CONFIG_GENERIC_BUG"),
            new RecordCType("__ex_table", "struct exception_table_entry", "asm/extable.h", null),
            new RecordCType("__jump_table", "struct jump_entry", "linux/jump_label.h", "CONFIG_JUMP_LABEL"),
            new RecordCType(".altinstructions", "struct alt_instr", "asm/alternative.h", null),
            new RecordCType(".orc_unwind", "struct orc_entry", "asm/orc_types.h", "CONFIG_UNWINDER_ORC"),
            new RecordCType(".parainstructions", "struct paravirt_patch_site", "asm/paravirt_types.h", "CONFIG_PARAVIRT"),
            new RecordCType(".static_call_sites", "struct static_call_site", "linux/static_call_types.h",
                    "CONFIG_HAVE_STATIC_CALL_INLINE"),
            new RecordCType(".printk_index", "struct pi_entry", "linux/printk.h", "CONFIG_PRINTK_INDEX"));
}
