package dev.kelp.arch.x86;

import static dev.kelp.arch.SpecialSection.Keep.*;
import static dev.kelp.arch.SpecialSection.Layout.*;
import static dev.kelp.arch.SpecialSection.Role.*;

import dev.kelp.arch.GenericSpecialSections;
import dev.kelp.arch.SpecialSection;
import dev.kelp.arch.SpecialSection.Field;
import dev.kelp.arch.SpecialSection.Keep;
import dev.kelp.arch.SpecialSection.Layout;
import dev.kelp.util.KelpException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The x86-64 special-section table (data). Record layouts are those of Linux 6.1, read from the
 * kernel headers named in each row's {@code source}; rows for older layouts that the kpatch
 * corpus still contains (24-byte absolute jump entries, 13-byte alternatives, the pre-5.16
 * exception-table handler) are kept as size variants and selected through {@code --struct-sizes}.
 * See docs/arch-x86.md for the table in prose.
 */
final class X86SpecialSections {
    private X86SpecialSections() {
    }

    private static final String PC32 = "R_X86_64_PC32";
    private static final String PC64 = "R_X86_64_PC64";
    private static final String ABS64 = "R_X86_64_64";
    private static final List<Field> NONE = List.of();

    private static Field reloc(int offset, int size, String type, SpecialSection.Role role, String what) {
        return new Field(offset, size, type, role, false, 0, what);
    }

    private static Field optional(int offset, int size, String type, SpecialSection.Role role, String what) {
        return new Field(offset, size, type, role, true, 0, what);
    }

    private static Field key(int offset, int size, String type, long flagMask, String what) {
        return new Field(offset, size, type, KEY, false, flagMask, what);
    }

    private static Field line(int offset, int size, String what) {
        return new Field(offset, size, null, LINE, false, 0, what);
    }

    private static SpecialSection row(String name, Layout layout, int size, String key, List<Field> fields,
            List<Field> lines, Keep keep, String linked, String source, String notes) {
        return new SpecialSection(name, false, layout, size, size, key, fields, lines, keep, linked, source, notes,
                false, null);
    }

    private static SpecialSection padded(SpecialSection s, int contentSize) {
        return s.withRecordSize(s.recordSize(), contentSize, "");
    }

    private static List<SpecialSection> concat(List<SpecialSection> a, List<SpecialSection> b) {
        List<SpecialSection> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    private static List<Field> sites(String what) {
        return List.of(reloc(0, 4, PC32, ANCHOR, what));
    }

    /** Rows with the Linux 6.1 record sizes. */
    private static final List<SpecialSection> X86_ROWS = List.of(
            row("__bug_table", RECORDS, 12, "bug",
                    List.of(reloc(0, 4, PC32, ANCHOR, "bug_addr_disp: the ud2 of BUG()/WARN()"),
                            reloc(4, 4, PC32, DATA, "file_disp: __FILE__ string")),
                    List.of(line(8, 2, "line: __LINE__ (u16); flags u16 at 10")),
                    ANCHOR_INCLUDED, null, "arch/x86/include/asm/bug.h (_BUG_FLAGS), include/asm-generic/bug.h",
                    "struct bug_entry with GENERIC_BUG_RELATIVE_POINTERS and DEBUG_BUGVERBOSE; mask the line "
                            + "field when comparing records of unchanged functions").markedReadAtLoad(),
            row("__ex_table", RECORDS, 12, "ex",
                    List.of(reloc(0, 4, PC32, ANCHOR, "insn: the instruction allowed to fault"),
                            reloc(4, 4, PC32, TARGET, "fixup: where to continue (in the function, or .fixup "
                                    + "before 5.17)"),
                            optional(8, 4, PC32, DATA, "before 5.16: handler function; since 5.16 'data' "
                                    + "(type|reg|imm), not relocated")),
                    NONE, ANCHOR_INCLUDED, ".fixup", "arch/x86/include/asm/extable.h, asm.h (_ASM_EXTABLE_TYPE)",
                    "struct exception_table_entry {int insn, fixup, data}").markedReadAtLoad(),
            row(".fixup", PIECES, 0, null, NONE, NONE, WITH_KEPT_RECORDS, "__ex_table",
                    "kernels before 5.17 (.fixup was removed in 5.17)",
                    "code pieces; piece boundaries are the __ex_table fixup targets that point here"),
            row("__jump_table", RECORDS, 16, "jump",
                    List.of(reloc(0, 4, PC32, ANCHOR, "code: the jmp/nop5 that is patched"),
                            reloc(4, 4, PC32, TARGET, "target: the l_yes label"),
                            key(8, 8, PC64, 3, "key: &static_key + branch flags (bit 0 branch, bit 1 "
                                    + "objtool 'jmp' hack) - .")),
                    NONE, ANCHOR_INCLUDED, null, "arch/x86/include/asm/jump_label.h (JUMP_TABLE_ENTRY), "
                            + "include/linux/jump_label.h (struct jump_entry)",
                    "keys defined in a module must not be used by a patch (use static_key_enabled()); "
                            + "tracepoint and dynamic-debug keys are handled by the differ's key filter")
                    .withKeyUse("jump label", "use static_key_enabled() instead").markedReadAtLoad(),
            row(".altinstructions", RECORDS, 12, "alt",
                    List.of(reloc(0, 4, PC32, ANCHOR, "instr_offset: original instructions"),
                            reloc(4, 4, PC32, TARGET, "repl_offset: replacement in .altinstr_replacement")),
                    NONE, ANCHOR_INCLUDED, ".altinstr_replacement", "arch/x86/include/asm/alternative.h "
                            + "(struct alt_instr, ALTINSTR_ENTRY)",
                    "u16 cpuid at 8, u8 instrlen at 10, u8 replacementlen at 11; packed").markedReadAtLoad(),
            row(".altinstr_replacement", PIECES, 0, null, NONE, NONE, WITH_KEPT_RECORDS, ".altinstructions",
                    "arch/x86/include/asm/alternative.h (ALTINSTR_REPLACEMENT)",
                    "replacement code; a piece starts at a repl_offset target and is replacementlen long; "
                            + "kpatch includes the whole section when any record is kept").markedReadAtLoad(),
            row(".altinstr_aux", CODE, 0, null, NONE, NONE, REFERENCED, null,
                    "arch/x86/include/asm/cpufeature.h (_static_cpu_has)",
                    "slow-path code of static_cpu_has(); references into it from function code compare "
                            + "equal whatever their addend"),
            row(".smp_locks", RECORDS, 4, null, sites("a LOCK prefix patched away on UP"), NONE,
                    ANCHOR_INCLUDED, null, "arch/x86/include/asm/alternative.h (LOCK_PREFIX_HERE)", "").markedReadAtLoad(),
            padded(row(".parainstructions", RECORDS, 16, "para",
                    List.of(reloc(0, 8, ABS64, ANCHOR, "instr: the paravirt call site")),
                    NONE, ANCHOR_INCLUDED, null, "arch/x86/include/asm/paravirt_types.h (_paravirt_alt, "
                            + "struct paravirt_patch_site)",
                    "u8 type at 8, u8 len at 9, u16 clobbers at 10, aligned to 8; only with CONFIG_PARAVIRT; "
                            + "the last record of an object may be cut to its 12 content bytes"), 12).markedReadAtLoad(),
            row(".static_call_sites", RECORDS, 8, "static_call",
                    List.of(reloc(0, 4, PC32, ANCHOR, "addr: the call/jmp to the trampoline"),
                            key(4, 4, PC32, 3, "key: &static_call_key | TAIL(1) | INIT(2) - .")),
                    NONE, ANCHOR_INCLUDED, null, "include/linux/static_call_types.h (struct static_call_site)",
                    "written by objtool; keys defined in a module must not be used by a patch")
                    .withKeyUse("static call", "call through a function pointer instead (KPATCH_STATIC_CALL)").markedReadAtLoad(),
            row(".retpoline_sites", RECORDS, 4, null, sites("an indirect-thunk call/jmp"), NONE,
                    ANCHOR_INCLUDED, null, "objtool (--retpoline)", "").markedReadAtLoad(),
            row(".return_sites", RECORDS, 4, null, sites("a jmp __x86_return_thunk"), NONE,
                    ANCHOR_INCLUDED, null, "objtool (--rethunk)", "").markedReadAtLoad(),
            row(".call_sites", RECORDS, 4, null, sites("a call site for call depth tracking (6.2+)"), NONE,
                    ANCHOR_INCLUDED, null, "objtool (--calldepth)", "").markedReadAtLoad(),
            row(".ibt_endbr_seal", RECORDS, 4, null, sites("an endbr64 to seal"), NONE,
                    ANCHOR_INCLUDED, null, "objtool (--ibt)", "").markedReadAtLoad(),
            row(".kcfi_traps", RECORDS, 4, null, sites("a kCFI check's ud2"), NONE,
                    ANCHOR_INCLUDED, null, "arch/x86/include/asm/cfi.h (clang kCFI)", ""),
            row(".orc_unwind_ip", RECORDS, 4, null, sites("the instruction an ORC entry starts at"), NONE,
                    ANCHOR_INCLUDED, ".orc_unwind", "arch/x86/include/asm/orc_types.h, objtool (--orc)", "").markedReadAtLoad(),
            row(".orc_unwind", PARALLEL_RECORDS, 6, "orc", NONE, NONE, PARALLEL, ".orc_unwind_ip",
                    "arch/x86/include/asm/orc_types.h (struct orc_entry)",
                    "s16 sp_offset, s16 bp_offset, u16 bitfield; entry i describes .orc_unwind_ip entry i"),
            row(".printk_index", RECORDS, 8, null,
                    List.of(reloc(0, 8, ABS64, DATA, "pointer to a struct pi_entry '_entry' in .rodata")),
                    NONE, DROP, null, "include/linux/printk.h (__printk_index_emit, struct pi_entry)",
                    "the record is a POINTER; the 44 bytes kpatch uses as PRINTK_INDEX_STRUCT_SIZE are "
                            + "sizeof(struct pi_entry), the object pointed to (packed: fmt 0, func 8, file 16, "
                            + "u32 line 24, level 28, subsys_fmt_prefix 36). Only /sys/kernel/debug/printk/index "
                            + "reads it, so dropping it loses nothing at run time").markedReadAtLoad(),
            row("__tracepoints", OPAQUE, 0, null, NONE, NONE, NEVER_INCLUDE, null, "include/linux/tracepoint.h",
                    "struct tracepoint objects __tracepoint_<name> (DEFINE_TRACE); patched code uses the "
                            + "original's through relocations").markedReadAtLoad(),
            row("__tracepoints_ptrs", RECORDS, 4, null, List.of(reloc(0, 4, PC32, DATA, "a tracepoint")), NONE,
                    NEVER_INCLUDE, null, "include/linux/tracepoint.h (__TRACEPOINT_ENTRY, PREL32)", "").markedReadAtLoad(),
            row("__tracepoints_strings", OPAQUE, 0, null, NONE, NONE, NEVER_INCLUDE, null,
                    "include/linux/tracepoint.h", "tracepoint names"),
            row("__mcount_loc", RECORDS, 8, null, List.of(reloc(0, 8, ABS64, ANCHOR, "an ftrace call site")),
                    NONE, REGENERATE, null, "gcc -mrecord-mcount / objtool --mcount",
                    "the output gets one R_X86_64_64 entry per included function with an ftrace hook").markedReadAtLoad(),
            row("__patchable_function_entries", RECORDS, 8, null,
                    List.of(reloc(0, 8, ABS64, ANCHOR, "a patchable entry")), NONE, REGENERATE, null,
                    "gcc -fpatchable-function-entry", "not used by x86 6.1; regenerated like __mcount_loc"),
            row("__dyndbg", RECORDS, 56, null,
                    List.of(reloc(0, 8, ABS64, DATA, "modname"), reloc(8, 8, ABS64, DATA, "function"),
                            reloc(16, 8, ABS64, DATA, "filename"), reloc(24, 8, ABS64, DATA, "format")),
                    List.of(line(32, 3, "lineno:18 (low 18 bits of the u32 at 32; class_id:6 above it)")),
                    REFERENCED, null, "include/linux/dynamic_debug.h (struct _ddebug)",
                    "pr_debug descriptors: objects referenced by the calling code and by __jump_table keys; "
                            + "taken fresh from the patched object (special static)").markedReadAtLoad(),
            row("_kprobe_blacklist", RECORDS, 8, null,
                    List.of(reloc(0, 8, ABS64, ANCHOR, "a NOKPROBE_SYMBOL() function")), NONE,
                    ANCHOR_INCLUDED, null, "include/asm-generic/kprobes.h", ""),
            row("_error_injection_whitelist", RECORDS, 16, null,
                    List.of(reloc(0, 8, ABS64, ANCHOR, "an ALLOW_ERROR_INJECTION() function")), NONE,
                    ANCHOR_INCLUDED, null, "include/asm-generic/error-injection.h", "int etype at 8"),
            row(".static_call.text", CODE, 0, null, NONE, NONE, NEVER_INCLUDE, null,
                    "arch/x86/include/asm/static_call.h", "trampolines __SCT__<name> of static calls the "
                            + "object defines").markedReadAtLoad(),
            row(".static_call_tramp_key", RECORDS, 8, null,
                    List.of(reloc(0, 4, PC32, DATA, "trampoline"), reloc(4, 4, PC32, KEY, "key")), NONE,
                    NEVER_INCLUDE, null, "include/linux/static_call_types.h", "vmlinux only"),
            row(".kpatch.callbacks.", RECORDS, 16, null,
                    List.of(reloc(0, 8, ABS64, ANCHOR, "callback: the pre/post (un)patch function"),
                            optional(8, 8, ABS64, DATA, "objname: the patched object's name (NULL for vmlinux)")),
                    NONE, ANCHOR_INCLUDED, null, "kpatch-macros.h (struct kpatch_pre_patch_callback ...)",
                    "kpatch-style callbacks travel with the new callback functions").asPrefix());

    /** The architecture's rows, then the generic kernel's. */
    static final List<SpecialSection> DEFAULT = concat(X86_ROWS, GenericSpecialSections.ROWS);

    /** Layouts of older kernels, chosen when --struct-sizes asks for their record size. */
    static final List<SpecialSection> VARIANTS = List.of(
            row("__jump_table", RECORDS, 24, "jump",
                    List.of(reloc(0, 8, ABS64, ANCHOR, "code"), reloc(8, 8, ABS64, TARGET, "target"),
                            key(16, 8, ABS64, 1, "key | branch")),
                    NONE, ANCHOR_INCLUDED, null, "include/linux/jump_label.h before 5.3 (absolute jump_entry)",
                    "absolute 64-bit entries of older kernels")
                    .withKeyUse("jump label", "use static_key_enabled() instead").markedReadAtLoad(),
            row(".altinstructions", RECORDS, 13, "alt",
                    List.of(reloc(0, 4, PC32, ANCHOR, "instr_offset"),
                            optional(4, 4, PC32, TARGET, "repl_offset; absent (.long 0) in the 'no replacement' "
                                    + "records of the old static_cpu_has()")),
                    NONE, ANCHOR_INCLUDED, ".altinstr_replacement",
                    "arch/x86/include/asm/alternative.h before 5.13 (u8 padlen at 12)", "").markedReadAtLoad(),
            row("__tracepoints_ptrs", RECORDS, 8, null, List.of(reloc(0, 8, ABS64, DATA, "a tracepoint")), NONE,
                    NEVER_INCLUDE, null, "include/linux/tracepoint.h without PREL32 relocations", "").markedReadAtLoad());

    /** Keys accepted by {@link #withSizes} that do not change a record size. */
    private static final Set<String> INFORMATIONAL_KEYS = Set.of("printk_index");

    /** The --struct-sizes keys: those of the rows, and the informational ones. */
    static Set<String> keys() {
        Set<String> keys = new java.util.TreeSet<>(INFORMATIONAL_KEYS);
        DEFAULT.stream().map(SpecialSection::structSizeKey).filter(java.util.Objects::nonNull).forEach(keys::add);
        return keys;
    }

    /** The 6.1 layout of a section, then its older variants. */
    static List<SpecialSection> layouts(String sectionName) {
        List<SpecialSection> out = new ArrayList<>();
        SpecialSection.lookup(DEFAULT, sectionName).ifPresent(out::add);
        VARIANTS.stream().filter(v -> v.name().equals(sectionName)).forEach(out::add);
        return out;
    }

    static List<SpecialSection> withSizes(Map<String, Integer> sizes) {
        for (String k : sizes.keySet()) {
            if (!keys().contains(k)) {
                throw new KelpException("unknown special-section struct size key '" + k + "': x86-64 knows "
                        + String.join(", ", keys()) + " (printk_index sizes the pointed-to pi_entry and is ignored)");
            }
        }
        List<SpecialSection> out = new ArrayList<>();
        for (SpecialSection s : DEFAULT) {
            Integer size = s.structSizeKey() == null ? null : sizes.get(s.structSizeKey());
            if (size == null || size == s.recordSize()) {
                out.add(s);
                continue;
            }
            out.add(variant(s, size));
        }
        return List.copyOf(out);
    }

    private static SpecialSection variant(SpecialSection s, int size) {
        for (SpecialSection v : VARIANTS) {
            if (v.name().equals(s.name()) && v.recordSize() == size) {
                return v;
            }
        }
        if (s.fields().stream().allMatch(f -> f.offset() + f.size() <= size)
                && s.lineFields().stream().allMatch(f -> f.offset() + f.size() <= size)) {
            // Same fields, different padding or trailing members (e.g. a 16-byte bug entry).
            return s.withRecordSize(size, Math.min(size, s.contentSize()), " (record size " + size + " from --struct-sizes)");
        }
        throw new KelpException("struct size " + size + " for '" + s.structSizeKey() + "' (" + s.name()
                + ") does not fit its fields; known sizes: " + s.recordSize()
                + VARIANTS.stream().filter(v -> v.name().equals(s.name())).map(v -> ", " + v.recordSize())
                        .reduce("", String::concat));
    }
}
