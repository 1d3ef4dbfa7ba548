// SPDX-License-Identifier: GPL-2.0
/* Test fixture for kelp test: a livepatch of kelp_target's show function, loaded before or after it. */
#include <linux/module.h>
#include <linux/livepatch.h>
#include <linux/seq_file.h>

static int livepatch_kelp_target_show(struct seq_file *m, void *v)
{
	seq_puts(m, "live patched\n");
	return 0;
}

static struct klp_func funcs[] = {
	{ .old_name = "kelp_target_show", .new_func = livepatch_kelp_target_show, },
	{ }
};

static struct klp_object objs[] = {
	{ .name = "kelp_target", .funcs = funcs, },
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init kelp_target_patch_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit kelp_target_patch_exit(void)
{
}

module_init(kelp_target_patch_init);
module_exit(kelp_target_patch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
