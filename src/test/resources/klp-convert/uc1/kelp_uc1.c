// SPDX-License-Identifier: GPL-2.0
/*
 * Use-case 1 of klp-convert: references to symbols vmlinux does not export, whose names are
 * unique in the target kernel, are converted without any annotation. saved_command_line
 * (data) and nr_processes (function) are not exported.
 */
#include "../common.h"
#include <linux/init.h>

extern int nr_processes(void);

static int kelp_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s kelp-uc1 processes=%d\n", saved_command_line, nr_processes());
	return 0;
}
