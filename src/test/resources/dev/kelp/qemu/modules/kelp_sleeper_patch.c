// SPDX-License-Identifier: GPL-2.0
/* Test fixture for kelp test: a livepatch of kelp_sleeper_wait(), whose transition cannot finish. */
#include <linux/module.h>
#include <linux/livepatch.h>
#include <linux/kthread.h>
#include <linux/delay.h>

static void livepatch_kelp_sleeper_wait(void)
{
	while (!kthread_should_stop())
		msleep_interruptible(200);
}

static struct klp_func funcs[] = {
	{ .old_name = "kelp_sleeper_wait", .new_func = livepatch_kelp_sleeper_wait, },
	{ }
};

static struct klp_object objs[] = {
	{ .name = "kelp_sleeper", .funcs = funcs, },
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init kelp_sleeper_patch_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit kelp_sleeper_patch_exit(void)
{
}

module_init(kelp_sleeper_patch_init);
module_exit(kelp_sleeper_patch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
