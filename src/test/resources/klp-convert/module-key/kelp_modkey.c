// SPDX-License-Identifier: GPL-2.0
/*
 * A jump label on a static key defined in a module (base_true_key of test_static_key_base):
 * its __jump_table entry would need a module-specific klp relocation, which the kernel applies
 * only after it has processed the patch's jump labels. kelp convert must refuse it.
 */
#include "../common.h"
#include <linux/jump_label.h>

extern struct static_key_true base_true_key;

static int kelp_cmdline_proc_show(struct seq_file *m, void *v)
{
	if (static_branch_likely(&base_true_key))
		seq_puts(m, "kelp-modkey\n");
	return 0;
}
