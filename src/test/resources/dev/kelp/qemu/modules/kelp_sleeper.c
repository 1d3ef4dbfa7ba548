// SPDX-License-Identifier: GPL-2.0
/*
 * Test fixture for kelp test: a kernel thread that spends its whole life inside
 * kelp_sleeper_wait(). A livepatch of that function can never finish its transition: the
 * thread always has the old function on its stack.
 */
#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/delay.h>
#include <linux/err.h>

static struct task_struct *sleeper;

static noinline void kelp_sleeper_wait(void)
{
	while (!kthread_should_stop())
		msleep_interruptible(100);
}

static int kelp_sleeper_thread(void *data)
{
	kelp_sleeper_wait();
	return 0;
}

static int __init kelp_sleeper_init(void)
{
	sleeper = kthread_run(kelp_sleeper_thread, NULL, "kelp_sleeper");
	return PTR_ERR_OR_ZERO(sleeper);
}

static void __exit kelp_sleeper_exit(void)
{
	kthread_stop(sleeper);
}

module_init(kelp_sleeper_init);
module_exit(kelp_sleeper_exit);
MODULE_LICENSE("GPL");
