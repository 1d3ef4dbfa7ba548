// SPDX-License-Identifier: GPL-2.0
/*
 * Glue as kelp build writes it for a patch of vmlinux and two modules: one klp_func array per
 * object, of one, one and two functions, next to each other in .data. Reading it must not run
 * one object's array into the next one's.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

void kelp_new_cmdline_proc_show(void) { }
void kelp_new_xqmstat_proc_show(void) { }
void kelp_new_ext4_a(void) { }
void kelp_new_ext4_b(void) { }

static struct klp_func funcs_vmlinux[] = {
	{ .old_name = "cmdline_proc_show", .new_func = kelp_new_cmdline_proc_show, .old_sympos = 0, },
	{ }
};

static struct klp_func funcs_xfs[] = {
	{ .old_name = "xqmstat_proc_show", .new_func = kelp_new_xqmstat_proc_show, .old_sympos = 0, },
	{ }
};

static struct klp_func funcs_ext4[] = {
	{ .old_name = "ext4_a", .new_func = kelp_new_ext4_a, .old_sympos = 1, },
	{ .old_name = "ext4_b", .new_func = kelp_new_ext4_b, .old_sympos = 2, },
	{ }
};

static struct klp_object objs[] = {
	{ .name = NULL, .funcs = funcs_vmlinux, },
	{ .name = "xfs", .funcs = funcs_xfs, },
	{ .name = "ext4", .funcs = funcs_ext4, },
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static int __init kelp_two_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit kelp_two_exit(void)
{
}

module_init(kelp_two_init);
module_exit(kelp_two_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
