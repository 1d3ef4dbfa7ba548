package dev.kelp.diff;

import java.util.List;
import java.util.Map;

/**
 * The kernel's special sections: arrays of fixed-size records that point into code, which the
 * kernel walks at boot or module load. The output keeps exactly the records whose anchor points
 * into an included function. Record sizes of the version-dependent tables come from
 * {@link StructSizes}; the others are fixed by the kernel ABI.
 */
final class SpecialSections {
    private SpecialSections() {
    }

    enum Rule {
        /** Keep each record whose anchor relocation points into an included function. */
        RECORDS,
        /** .orc_unwind_ip records with their parallel .orc_unwind entries. */
        ORC,
        /** Regenerated for the included functions (ftrace call sites). */
        REGENERATE,
        /** Code or data reached only through other records or code; copied whole when referenced. */
        REFERENCED,
        /** Belongs to the original kernel; never carried (exports, init calls, annotations...). */
        DROP
    }

    /**
     * One table row.
     *
     * @param name       section name, or prefix when {@code prefix}
     * @param prefix     whether {@code name} is a prefix
     * @param sizeKey    key in {@link StructSizes} for a version-dependent record size, or null
     * @param fixedSize  record size when {@code sizeKey} is null (0: not a record table)
     * @param anchor     offset within a record of the relocation that says whose record it is
     * @param keyOffset  offset of a static-key/static-call-key relocation to vet, or -1
     * @param rule       the keep rule
     */
    record Entry(String name, boolean prefix, String sizeKey, int fixedSize, int anchor, int keyOffset, Rule rule) {
        int recordSize(StructSizes sizes) {
            return sizeKey == null ? fixedSize : sizes.get(sizeKey);
        }
    }

    private static final List<Entry> TABLE = List.of(
            new Entry("__bug_table", false, "bug", 0, 0, -1, Rule.RECORDS),
            new Entry("__ex_table", false, "ex", 0, 0, -1, Rule.RECORDS),
            new Entry("__jump_table", false, "jump", 0, 0, 8, Rule.RECORDS),
            new Entry(".altinstructions", false, "alt", 0, 0, -1, Rule.RECORDS),
            new Entry(".parainstructions", false, "para", 0, 0, -1, Rule.RECORDS),
            new Entry(".static_call_sites", false, "static_call", 0, 0, 4, Rule.RECORDS),
            new Entry(".smp_locks", false, null, 4, 0, -1, Rule.RECORDS),
            new Entry(".retpoline_sites", false, null, 4, 0, -1, Rule.RECORDS),
            new Entry(".return_sites", false, null, 4, 0, -1, Rule.RECORDS),
            new Entry(".call_sites", false, null, 4, 0, -1, Rule.RECORDS),
            new Entry(".ibt_endbr_seal", false, null, 4, 0, -1, Rule.RECORDS),
            new Entry(".kcfi_traps", false, null, 4, 0, -1, Rule.RECORDS),
            new Entry(".kpatch.callbacks.", true, null, 16, 0, -1, Rule.RECORDS),
            new Entry(".orc_unwind_ip", false, null, 4, 0, -1, Rule.ORC),
            new Entry(".orc_unwind", false, "orc", 0, -1, -1, Rule.ORC),
            new Entry("__mcount_loc", false, null, 8, 0, -1, Rule.REGENERATE),
            new Entry("__patchable_function_entries", false, null, 8, 0, -1, Rule.REGENERATE),
            new Entry(".altinstr_replacement", false, null, 0, -1, -1, Rule.REFERENCED),
            new Entry(".altinstr_aux", false, null, 0, -1, -1, Rule.REFERENCED),
            new Entry(".fixup", false, null, 0, -1, -1, Rule.REFERENCED),
            new Entry("__dyndbg", true, null, 0, -1, -1, Rule.REFERENCED),
            new Entry("__verbose", false, null, 0, -1, -1, Rule.REFERENCED),
            new Entry("__tracepoints", true, null, 0, -1, -1, Rule.DROP),
            new Entry(".discard.", true, null, 0, -1, -1, Rule.DROP),
            new Entry(".kpatch.ignore.", true, null, 0, -1, -1, Rule.DROP),
            new Entry("__ksymtab", true, null, 0, -1, -1, Rule.DROP),
            new Entry("___ksymtab", true, null, 0, -1, -1, Rule.DROP),
            new Entry("__kcrctab", true, null, 0, -1, -1, Rule.DROP),
            new Entry("___kcrctab", true, null, 0, -1, -1, Rule.DROP),
            new Entry(".export_symbol", false, null, 0, -1, -1, Rule.DROP),
            new Entry(".initcall", true, null, 0, -1, -1, Rule.DROP),
            new Entry(".con_initcall", true, null, 0, -1, -1, Rule.DROP),
            new Entry(".init.", true, null, 0, -1, -1, Rule.DROP),
            new Entry(".exit.", true, null, 0, -1, -1, Rule.DROP),
            new Entry("__param", false, null, 0, -1, -1, Rule.DROP),
            new Entry("__modver", false, null, 0, -1, -1, Rule.DROP),
            new Entry("_error_injection_whitelist", false, null, 0, -1, -1, Rule.DROP),
            new Entry("__bpf_raw_tp_map", false, null, 0, -1, -1, Rule.DROP),
            new Entry("_ftrace_events", false, null, 0, -1, -1, Rule.DROP),
            new Entry("_ftrace_eval_map", false, null, 0, -1, -1, Rule.DROP),
            new Entry("__syscalls_metadata", false, null, 0, -1, -1, Rule.DROP),
            new Entry("__kprobe_blacklist", false, null, 0, -1, -1, Rule.DROP),
            new Entry(".modinfo", false, null, 0, -1, -1, Rule.DROP),
            new Entry(".comment", false, null, 0, -1, -1, Rule.DROP),
            new Entry(".note", true, null, 0, -1, -1, Rule.DROP),
            new Entry(".llvm_addrsig", false, null, 0, -1, -1, Rule.DROP),
            new Entry(".debug_", true, null, 0, -1, -1, Rule.DROP),
            new Entry(".eh_frame", false, null, 0, -1, -1, Rule.DROP),
            new Entry(".BTF", true, null, 0, -1, -1, Rule.DROP),
            new Entry(".static_call.text", false, null, 0, -1, -1, Rule.DROP),
            // pointers to pi_entry catalogue records for debugfs; no code refers to them, so
            // the original kernel's catalogue stays valid and the patch carries none
            new Entry(".printk_index", false, null, 0, -1, -1, Rule.DROP));

    /** Code and data sections the differ treats symbol by symbol (not special). */
    private static final List<String> ORDINARY_PREFIXES = List.of(
            ".text", ".data", ".rodata", ".bss", ".tdata", ".tbss", ".sched.text", ".noinstr.text",
            ".entry.text", ".cpuidle.text", ".spinlock.text", ".irqentry.text", ".softirqentry.text",
            ".kprobes.text", ".ref.text", ".ref.data", ".ref.rodata", ".lock.text", ".head.text");

    private static final Map<String, Entry> EXACT = exact();

    private static Map<String, Entry> exact() {
        Map<String, Entry> m = new java.util.HashMap<>();
        for (Entry e : TABLE) {
            if (!e.prefix()) {
                m.put(e.name(), e);
            }
        }
        return m;
    }

    /** The table row for a section, or null when the section is not special. */
    static Entry lookup(String sectionName) {
        Entry e = EXACT.get(sectionName);
        if (e != null) {
            return e;
        }
        for (Entry p : TABLE) {
            if (p.prefix() && sectionName.startsWith(p.name())) {
                return p;
            }
        }
        return null;
    }

    /** Whether the differ handles the section's symbols itself (functions and data). */
    static boolean isOrdinary(String sectionName) {
        for (String p : ORDINARY_PREFIXES) {
            if (sectionName.equals(p) || sectionName.startsWith(p + ".") || sectionName.startsWith(p + "..")) {
                return true;
            }
        }
        return false;
    }

    /** Every row, for documentation and tests. */
    static List<Entry> table() {
        return TABLE;
    }
}
