// SPDX-License-Identifier: GPL-2.0
/* Test fixture for kelp test: a target module whose /proc/kelp_target says "original". */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

/* noinline: the livepatch replaces this function, so it must exist as itself. */
static noinline int kelp_target_show(struct seq_file *m, void *v)
{
	seq_puts(m, "original\n");
	return 0;
}

static int __init kelp_target_init(void)
{
	return proc_create_single("kelp_target", 0444, NULL, kelp_target_show) ? 0 : -ENOMEM;
}

static void __exit kelp_target_exit(void)
{
	remove_proc_entry("kelp_target", NULL);
}

module_init(kelp_target_init);
module_exit(kelp_target_exit);
MODULE_LICENSE("GPL");
