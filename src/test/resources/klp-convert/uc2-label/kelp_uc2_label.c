// SPDX-License-Identifier: GPL-2.0
/*
 * Use-case 2 of klp-convert, label style: ucode_path is a static in two compilation units of
 * vmlinux; the assembler label KLP_RELOC_SYMBOL_POS names the second one.
 */
#include "../common.h"
#include <kelp-livepatch.h>

extern const char ucode_path[] KLP_RELOC_SYMBOL_POS(vmlinux, vmlinux, ucode_path, 2);

static int kelp_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "kelp-uc2 %px %s\n", ucode_path, ucode_path);
	return 0;
}
