#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/jump_label.h>
#include <linux/bug.h>

static DEFINE_MUTEX(kmod_lock);
static DEFINE_STATIC_KEY_FALSE(kmod_key);
static int counter;

static noinline int kmod_helper(int x)
{
	WARN_ON(x > 1000);
	return x * 2;
}

int kmod_work(int x)
{
	int r;

	might_sleep();
	mutex_lock(&kmod_lock);
	counter += x;
	r = kmod_helper(counter);
	if (static_branch_unlikely(&kmod_key))
		pr_info("kmod: key on %d\n", r);
	pr_debug("kmod: work %d\n", r);
	mutex_unlock(&kmod_lock);
	return r;
}
EXPORT_SYMBOL(kmod_work);

static int __init kmod_init(void)
{
	return kmod_work(1) > 0 ? 0 : -EINVAL;
}

static void __exit kmod_exit(void)
{
}

module_init(kmod_init);
module_exit(kmod_exit);
MODULE_LICENSE("GPL");
