package dev.kelp.arch;

import java.util.List;

/**
 * Special sections of the kernel's generic code (any architecture) that a livepatch never
 * carries: exports, init and exit code, module parameters, notes and debug information,
 * annotations. Each architecture's table ends with these rows, so the differ, the converter and
 * the tests see one table per architecture.
 */
public final class GenericSpecialSections {
    private GenericSpecialSections() {
    }

    /** Sections of the running kernel (the patch refers to the original, never carries a copy). */
    private static SpecialSection kernel(String prefix, String source) {
        return new SpecialSection(prefix, true, SpecialSection.Layout.OPAQUE, 0, 0, null, List.of(), List.of(),
                SpecialSection.Keep.NEVER_INCLUDE, null, source, "", false, null);
    }

    /** Sections that are never loaded or never matter to a patch. */
    private static SpecialSection dropped(String prefix, String source) {
        return new SpecialSection(prefix, true, SpecialSection.Layout.OPAQUE, 0, 0, null, List.of(), List.of(),
                SpecialSection.Keep.DROP, null, source, "", false, null);
    }

    public static final List<SpecialSection> ROWS = List.of(
            dropped(".kpatch.ignore.", "kpatch-macros.h (KPATCH_IGNORE_SECTION, KPATCH_IGNORE_FUNCTION)"),
            kernel("___ksymtab", "include/linux/export.h (exports of the original object; a livepatch cannot "
                    + "add or change exports)"),
            kernel("___kcrctab", "include/linux/export.h"),
            kernel("__ksymtab", "include/linux/export.h"),
            kernel("__kcrctab", "include/linux/export.h (export CRCs)"),
            kernel(".export_symbol", "include/linux/export.h (6.5+)"),
            kernel(".initcall", "include/linux/init.h"),
            kernel(".con_initcall", "include/linux/init.h"),
            kernel(".init.", "include/linux/init.h (__init code and data, freed after boot)"),
            kernel(".exit.", "include/linux/init.h (__exit)"),
            kernel("__param", "include/linux/moduleparam.h"),
            kernel("__modver", "include/linux/moduleparam.h"),
            kernel("__bpf_raw_tp_map", "include/linux/tracepoint.h"),
            kernel("_ftrace_events", "include/trace/trace_events.h"),
            kernel("_ftrace_eval_map", "include/trace/trace_events.h"),
            kernel("__syscalls_metadata", "include/linux/syscalls.h"),
            kernel("__tracepoint", "include/linux/tracepoint.h (rows of their own come first)"),
            dropped(".comment", "compiler identification"),
            dropped(".note", "ELF notes"),
            dropped(".debug_", "DWARF"),
            dropped(".eh_frame", "unwind tables (the kernel uses ORC)"),
            dropped(".BTF", "BTF type information"),
            dropped(".gnu.attributes", "toolchain attributes"),
            dropped(".discard", "objtool annotations, __ADDRESSABLE: never loaded; .discard.addressable only "
                    + "keeps symbols alive"),
            dropped(".llvm_addrsig", "clang"),
            new SpecialSection(".modinfo", false, SpecialSection.Layout.OPAQUE, 0, 0, null, List.of(), List.of(),
                    SpecialSection.Keep.DROP, null, "include/linux/moduleparam.h",
                    "the differ carries over the import_ns= strings only", false, null),
            new SpecialSection("__verbose", false, SpecialSection.Layout.OPAQUE, 0, 0, null, List.of(), List.of(),
                    SpecialSection.Keep.REFERENCED, null, "include/linux/dynamic_debug.h before 3.x (__dyndbg)",
                    "dynamic-debug descriptors under their old name: copied when referenced", false, null));
}
