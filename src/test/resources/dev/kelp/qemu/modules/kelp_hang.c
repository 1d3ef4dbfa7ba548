// SPDX-License-Identifier: GPL-2.0
/* Test fixture for kelp test: a module whose init never returns, so the guest stops making progress. */
#include <linux/module.h>
#include <linux/delay.h>

static int __init kelp_hang_init(void)
{
	for (;;)
		msleep_interruptible(1000);
	return 0;
}

module_init(kelp_hang_init);
MODULE_LICENSE("GPL");
