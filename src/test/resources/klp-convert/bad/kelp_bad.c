// SPDX-License-Identifier: GPL-2.0
/*
 * Several mistakes in one livepatch module; kelp convert must report every one of them, one
 * line each, and write nothing:
 * - a module-specific relocation section (for module nf_conntrack) referring to a vmlinux symbol,
 *   which the kernel refuses;
 * - a symbol that no object of the target kernel defines;
 * - an annotation asking for a position the symbol does not have.
 */
#include "../common.h"
#include <kelp-livepatch.h>

extern char *saved_command_line_alias KLP_RELOC_SYMBOL_POS(nf_conntrack, vmlinux, saved_command_line, 0);
extern int kelp_no_such_symbol_anywhere(void);
extern const char ucode_path[];

KLP_MODULE_RELOC(vmlinux) kelp_relocs[] = {
	KLP_SYMPOS(ucode_path, 3),
};

static int kelp_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s %d %s\n", saved_command_line_alias, kelp_no_such_symbol_anywhere(), ucode_path);
	return 0;
}
