// SPDX-License-Identifier: GPL-2.0
/*
 * Use-case 3 of klp-convert: ucode_path is a static in two compilation units of vmlinux and
 * nothing says which one is meant, so kelp convert must refuse and list both.
 */
#include "../common.h"

extern const char ucode_path[];

static int kelp_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "kelp-uc3 %px %s\n", ucode_path, ucode_path);
	return 0;
}
