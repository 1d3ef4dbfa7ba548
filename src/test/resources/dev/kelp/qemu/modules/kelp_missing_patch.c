// SPDX-License-Identifier: GPL-2.0
/* Test fixture for kelp test: a livepatch of a function the kernel does not have; it is refused. */
#include <linux/module.h>
#include <linux/livepatch.h>

static int livepatch_kelp_no_such_function(void)
{
	return 0;
}

static struct klp_func funcs[] = {
	{ .old_name = "kelp_no_such_function", .new_func = livepatch_kelp_no_such_function, },
	{ }
};

static struct klp_object objs[] = {
	{ .funcs = funcs, },
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init kelp_missing_patch_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit kelp_missing_patch_exit(void)
{
}

module_init(kelp_missing_patch_init);
module_exit(kelp_missing_patch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
