// SPDX-License-Identifier: GPL-2.0
/*
 * A symbol exported by a module (nf_conntrack_htable_size, exported by nf_conntrack) becomes a
 * klp relocation in that module's section: the patch may load before nf_conntrack, and the
 * kernel applies .klp.rela.nf_conntrack.* when nf_conntrack loads. The kernel applies a
 * module's klp relocations only for objects the patch lists, so the patch lists nf_conntrack
 * (with no function to replace there).
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/seq_file.h>

extern unsigned int nf_conntrack_htable_size;

static int kelp_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "kelp-modexp htable_size=%u\n", nf_conntrack_htable_size);
	return 0;
}

static struct klp_func vmlinux_funcs[] = {
	{ .old_name = "cmdline_proc_show", .new_func = kelp_cmdline_proc_show, },
	{ }
};

static struct klp_func no_funcs[] = {
	{ }
};

static struct klp_object objs[] = {
	{ .funcs = vmlinux_funcs, },
	{ .name = "nf_conntrack", .funcs = no_funcs, },
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
