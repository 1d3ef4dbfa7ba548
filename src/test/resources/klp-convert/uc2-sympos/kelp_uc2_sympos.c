// SPDX-License-Identifier: GPL-2.0
/*
 * Use-case 2 of klp-convert, table style: ucode_path is a static in two compilation units of
 * vmlinux (the Intel and AMD microcode loaders); a KLP_MODULE_RELOC table picks the second.
 */
#include "../common.h"
#include <kelp-livepatch.h>

extern const char ucode_path[];

KLP_MODULE_RELOC(vmlinux) kelp_relocs[] = {
	KLP_SYMPOS(ucode_path, 2),
};

static int kelp_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "kelp-uc2 %px %s\n", ucode_path, ucode_path);
	return 0;
}
