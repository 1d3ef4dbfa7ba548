/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kpatch-macros.h as shipped by kelp: the macros patches written for kpatch-build use, with the
 * same names and meaning, so that such patches build unchanged with `kelp build`.
 * Written for kelp from the documented behaviour of kpatch's macros (not copied from kpatch).
 *
 * Special sections these macros fill (read by kelp's differ; see kelp's docs/build.md):
 *   .kpatch.callbacks.{pre,post}_{patch,unpatch}  one { fn, objname } record per callback
 *   .kpatch.ignore.sections                       pointers to section names to treat as unchanged
 *   .kpatch.ignore.functions                      pointers to functions to treat as unchanged
 *   .kpatch.force                                 pointers to functions (informational only)
 * objname is left NULL: kelp fills in the target object of the unit the record is compiled in.
 */
#ifndef _KPATCH_MACROS_H_
#define _KPATCH_MACROS_H_

#include <linux/compiler.h>
#include <linux/jiffies.h>
#include <linux/printk.h>
#include <linux/livepatch.h>

/* kpatch names the object a callback runs for patch_object; with livepatch it is a klp_object. */
typedef struct klp_object patch_object;

/*
 * Callbacks. A pre-patch callback returns 0 to let the object be patched, or an error to stop
 * loading the patch (or the target module, if it loads later). At most one callback of each kind
 * per target object: defining two in one file fails to compile (same record name).
 */
struct kpatch_pre_patch_callback {
	int (*fn)(patch_object *obj);
	char *objname;
};
struct kpatch_post_patch_callback {
	void (*fn)(patch_object *obj);
	char *objname;
};
struct kpatch_pre_unpatch_callback {
	void (*fn)(patch_object *obj);
	char *objname;
};
struct kpatch_post_unpatch_callback {
	void (*fn)(patch_object *obj);
	char *objname;
};

#define __KPATCH_CALLBACK(_kind, _fn)							\
	static struct kpatch_##_kind##_callback kpatch_##_kind##_data			\
	__section(".kpatch.callbacks." #_kind) __used = {				\
		.fn = _fn,								\
		.objname = NULL,							\
	}

#define KPATCH_PRE_PATCH_CALLBACK(_fn)		__KPATCH_CALLBACK(pre_patch, _fn)
#define KPATCH_POST_PATCH_CALLBACK(_fn)		__KPATCH_CALLBACK(post_patch, _fn)
#define KPATCH_PRE_UNPATCH_CALLBACK(_fn)	__KPATCH_CALLBACK(pre_unpatch, _fn)
#define KPATCH_POST_UNPATCH_CALLBACK(_fn)	__KPATCH_CALLBACK(post_unpatch, _fn)

/* Treat a whole section as unchanged (e.g. one whose change is known to be harmless). */
#define KPATCH_IGNORE_SECTION(_sec)							\
	static char *__UNIQUE_ID(kpatch_ignore_section_)				\
	__section(".kpatch.ignore.sections") __used = _sec

/* Treat a function (and its .cold/.part pieces) as unchanged: it is not replaced. */
#define KPATCH_IGNORE_FUNCTION(_fn)							\
	static void *__UNIQUE_ID(kpatch_ignore_func_)					\
	__section(".kpatch.ignore.functions") __used = (void *)(_fn)

/*
 * Mark a function as safe to replace whatever the consistency model says. Only kpatch's old
 * core module acted on it; with livepatch (and kelp) it is recorded and otherwise ignored.
 */
#define KPATCH_FORCE_UNSAFE(_fn)							\
	static void *__UNIQUE_ID(kpatch_force_func_)					\
	__section(".kpatch.force") __used = (void *)(_fn)

/*
 * printk from patched code. printk is a cold function: calling it unconditionally makes gcc move
 * and reshape the code around the call, so more of the function differs than the patch changed.
 * Behind a (practically always true) test of jiffies, the call stays on a side path.
 */
#define KPATCH_PRINTK(_fmt, ...)							\
({											\
	if (jiffies)									\
		printk(_fmt, ## __VA_ARGS__);						\
})

#define KPATCH_PRINTK_DEFERRED(_fmt, ...)						\
({											\
	if (jiffies)									\
		printk_deferred(_fmt, ## __VA_ARGS__);					\
})

/*
 * A static call turned into an indirect call through the key's current target: patched code may
 * not add static call sites (their keys may live in modules, and the sites would need patching).
 */
#include <linux/static_call.h>
#define KPATCH_STATIC_CALL(_name)							\
	((typeof(STATIC_CALL_TRAMP(_name)) *)static_call_query(_name))

/*
 * Syscalls. SYSCALL_DEFINEn puts the body in __do_sys_NAME(), an inline (so notrace) function:
 * when gcc keeps it out of line it has no ftrace entry and cannot be replaced. The variant below
 * names the body __kpatch_do_sys_NAME(): a new function to the differ, called from the outer
 * stub __x64_sys_NAME() (which has an ftrace entry and is what gets replaced). It also leaves out
 * the syscall's trace metadata, which a patch must not add again.
 */
#ifdef CONFIG_X86_64
#include <linux/syscalls.h>

#define __KPATCH_SYSCALL_DEFINEx(x, name, ...)						\
	static long __se_sys##name(__MAP(x, __SC_LONG, __VA_ARGS__));			\
	static inline long __kpatch_do_sys##name(__MAP(x, __SC_DECL, __VA_ARGS__));	\
	__X64_SYS_STUBx(x, name, __VA_ARGS__)						\
	__IA32_SYS_STUBx(x, name, __VA_ARGS__)						\
	static long __se_sys##name(__MAP(x, __SC_LONG, __VA_ARGS__))			\
	{										\
		long ret = __kpatch_do_sys##name(__MAP(x, __SC_CAST, __VA_ARGS__));	\
		__MAP(x, __SC_TEST, __VA_ARGS__);					\
		__PROTECT(x, ret, __MAP(x, __SC_ARGS, __VA_ARGS__));			\
		return ret;								\
	}										\
	static inline long __kpatch_do_sys##name(__MAP(x, __SC_DECL, __VA_ARGS__))

#define KPATCH_SYSCALL_DEFINE1(name, ...) __KPATCH_SYSCALL_DEFINEx(1, _##name, __VA_ARGS__)
#define KPATCH_SYSCALL_DEFINE2(name, ...) __KPATCH_SYSCALL_DEFINEx(2, _##name, __VA_ARGS__)
#define KPATCH_SYSCALL_DEFINE3(name, ...) __KPATCH_SYSCALL_DEFINEx(3, _##name, __VA_ARGS__)
#define KPATCH_SYSCALL_DEFINE4(name, ...) __KPATCH_SYSCALL_DEFINEx(4, _##name, __VA_ARGS__)
#define KPATCH_SYSCALL_DEFINE5(name, ...) __KPATCH_SYSCALL_DEFINEx(5, _##name, __VA_ARGS__)
#define KPATCH_SYSCALL_DEFINE6(name, ...) __KPATCH_SYSCALL_DEFINEx(6, _##name, __VA_ARGS__)
#endif /* CONFIG_X86_64 */

#endif /* _KPATCH_MACROS_H_ */
