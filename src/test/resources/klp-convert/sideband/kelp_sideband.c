// SPDX-License-Identifier: GPL-2.0
/*
 * Post-link conversion of kelp diff's side-band (docs/sideband.md), written by hand: the
 * pointer kelp_find_patch_ptr must become the address of the static find_patch of
 * arch/x86/kernel/cpu/microcode/amd.c. vmlinux has two static functions of that name (Intel's
 * and AMD's loaders); the record names the unit, and .kelp.unitsyms lists the unit's other
 * local symbols so that kelp can tell which one is meant. The field stays zero here and has no
 * ordinary relocation: only the side-band record describes it, as kelp diff writes it.
 */
#include "../common.h"

#define KELP_UNIT "arch/x86/kernel/cpu/microcode/amd.o"

asm(
"	.pushsection .data.kelp_ptr, \"aw\"\n"
"	.balign 8\n"
"kelp_find_patch_ptr:\n"
"	.quad 0\n"
"	.popsection\n"
"	.pushsection .kelp.strings, \"\"\n"
"kelp_str_name:	.asciz \"find_patch\"\n"
"kelp_str_object:	.asciz \"vmlinux\"\n"
"kelp_str_unit:	.asciz \"" KELP_UNIT "\"\n"
"	.popsection\n"
"	.pushsection .kelp.relocs, \"\"\n"
"	.balign 8\n"
"	.quad kelp_find_patch_ptr\n"	/* place */
"	.quad kelp_str_name\n"		/* name */
"	.quad kelp_str_object\n"	/* object */
"	.quad kelp_str_unit\n"		/* unit */
"	.long 1\n"			/* type: R_X86_64_64 */
"	.long 3\n"			/* flags: STB_LOCAL | STT_FUNC */
"	.quad 0\n"			/* addend */
"	.popsection\n"
"	.pushsection .kelp.unitsyms, \"\"\n"
"	.asciz \"" KELP_UNIT "\"\n"
"	.asciz \"find_patch\"\n"
"	.asciz \"__load_ucode_amd\"\n"
"	.asciz \"apply_microcode_early_amd\"\n"
"	.asciz \"collect_cpu_info_amd\"\n"
"	.asciz \"apply_microcode_amd\"\n"
"	.asciz \"verify_patch\"\n"
"	.asciz \"install_equiv_cpu_table\"\n"
"	.asciz \"load_microcode_amd\"\n"
"	.asciz \"request_microcode_amd\"\n"
"	.asciz \"\"\n"
"	.popsection\n");

extern void *kelp_find_patch_ptr;

static int kelp_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "kelp-sideband %px\n", kelp_find_patch_ptr);
	return 0;
}
