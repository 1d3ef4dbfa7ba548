/* Shared livepatch glue of the kelp convert test modules: replaces cmdline_proc_show. */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/seq_file.h>

static int kelp_cmdline_proc_show(struct seq_file *m, void *v);

static struct klp_func funcs[] = {
	{ .old_name = "cmdline_proc_show", .new_func = kelp_cmdline_proc_show, },
	{ }
};

static struct klp_object objs[] = {
	{ .funcs = funcs, }, /* name NULL: vmlinux */
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init kelp_test_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit kelp_test_exit(void)
{
}

module_init(kelp_test_init);
module_exit(kelp_test_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
