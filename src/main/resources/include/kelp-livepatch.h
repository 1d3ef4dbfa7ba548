/* SPDX-License-Identifier: MIT */
/*
 * kelp-livepatch.h: annotations for hand-written livepatch modules converted by `kelp convert`.
 *
 * A livepatch module built with kbuild (KBUILD_MODPOST_WARN=1) may reference kernel symbols
 * that are not exported. `kelp convert` turns those references into livepatch relocations
 * (.klp.rela.<object>.<section> against .klp.sym.<object>.<symbol>,<sympos>). A symbol whose
 * name is unique in the target kernel needs no annotation. A symbol whose name occurs more
 * than once (static symbols of different compilation units) needs one of these annotations:
 *
 * 1. A table per object, in section .klp.module_relocs.<object>:
 *
 *        extern const char ucode_path[];
 *        KLP_MODULE_RELOC(vmlinux) my_relocs[] = {
 *                KLP_SYMPOS(ucode_path, 2),
 *        };
 *
 *    Every reference to ucode_path is then resolved to the 2nd symbol of that name in
 *    vmlinux (kallsyms order). kelp removes the table from the final module.
 *
 * 2. An assembler label on the declaration, which names the symbol itself:
 *
 *        extern const char ucode_path[]
 *                KLP_RELOC_SYMBOL_POS(vmlinux, vmlinux, ucode_path, 2);
 *
 *    The first argument is the object the relocation section belongs to (the object being
 *    patched), the second the object that defines the symbol. KLP_RELOC_SYMBOL(lp, obj, sym)
 *    is the same with position 0 (the name must be unique in that object). Needs binutils
 *    2.38 or later (older `as` rejects the ',' in the label).
 *
 * Object names are `vmlinux` or a module name as the kernel spells it (`-` becomes `_`).
 */
#ifndef KELP_LIVEPATCH_H
#define KELP_LIVEPATCH_H

#include <linux/types.h>
#include <linux/compiler.h>

/*
 * One record of a .klp.module_relocs.<object> table: 12 bytes, packed. The pointer is stored
 * through a 64-bit union member so that the record has the same size whatever the pointer
 * width; kelp reads the symbol from the relocation at offset 0 and the position at offset 8.
 */
struct klp_module_reloc {
	union {
		void *sym;
		__u64 sym64;
	};
	__u32 sympos;
} __packed;

#define KLP_MODULE_RELOC(object) \
	static struct klp_module_reloc __used __aligned(4) \
	__section(".klp.module_relocs." #object)

#define KLP_SYMPOS(symbol, pos) \
	{ .sym = (void *)&(symbol), .sympos = (pos) }

#define KELP_KLP_LABEL(lp_object, sym_object, symbol, pos) \
	"\".klp.sym.rela." #lp_object "." #sym_object "." #symbol "," #pos "\""

#define KLP_RELOC_SYMBOL_POS(lp_object, sym_object, symbol, pos) \
	__asm__(KELP_KLP_LABEL(lp_object, sym_object, symbol, pos))

#define KLP_RELOC_SYMBOL(lp_object, sym_object, symbol) \
	KLP_RELOC_SYMBOL_POS(lp_object, sym_object, symbol, 0)

#endif /* KELP_LIVEPATCH_H */
