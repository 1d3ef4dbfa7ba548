// SPDX-License-Identifier: GPL-2.0
/* Test fixture for kelp test: a module whose init triggers a kernel WARNING and still loads. */
#include <linux/module.h>
#include <linux/bug.h>

static int __init kelp_warn_init(void)
{
	WARN_ON(1);
	return 0;
}

static void __exit kelp_warn_exit(void)
{
}

module_init(kelp_warn_init);
module_exit(kelp_warn_exit);
MODULE_LICENSE("GPL");
