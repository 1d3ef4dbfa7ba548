package dev.kelp.symbols;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Turns a System.map-style list (what {@code scripts/mksysmap} writes: {@code nm -n} order)
 * into the list kallsyms holds, by the rules of the kernel's scripts/kallsyms (6.1): which
 * symbols it drops, the 'A' type it gives absolute per-cpu symbols, and how it orders symbols
 * at equal addresses. Assumes CONFIG_KALLSYMS_ALL (livepatch requires it) and, as on x86-64
 * SMP, CONFIG_KALLSYMS_ABSOLUTE_PERCPU.
 */
final class KallsymsOrder {
    private KallsymsOrder() {}

    /** Names scripts/kallsyms drops outright (they differ between its link passes). */
    private static final Set<String> IGNORED_NAMES = Set.of("kallsyms_addresses", "kallsyms_offsets",
            "kallsyms_relative_base", "kallsyms_num_syms", "kallsyms_names", "kallsyms_markers",
            "kallsyms_token_table", "kallsyms_token_index", "kallsyms_seqs_of_names", "_SDA_BASE_", "_SDA2_BASE_");
    private static final List<String> IGNORED_PREFIXES = List.of("__efistub_", "__kvm_nvhe_$", "__kvm_nvhe_.L",
            "__AArch64ADRPThunk_", "__ARMV5PILongThunk_", "__ARMV7PILongThunk_", "__ThumbV7PILongThunk_",
            "__LA25Thunk_", "__microLA25Thunk_", "__kcfi_typeid_");
    private static final List<String> IGNORED_SUFFIXES = List.of("_from_arm", "_from_thumb", "_veneer");
    private static final List<String> IGNORED_INFIXES = List.of(".long_branch.", ".plt_branch.");
    /** Absolute symbols kallsyms keeps (all on architectures other than x86). */
    private static final Set<String> KEPT_ABSOLUTE = Set.of("__kernel_syscall_via_break",
            "__kernel_syscall_via_epc", "__kernel_sigtramp", "__gp");
    /** Types that never reach kallsyms: undefined and debugging symbols. */
    private static final String IGNORED_TYPES = "UuNn";

    static boolean ignored(String name, char type) {
        if (IGNORED_NAMES.contains(name) || IGNORED_TYPES.indexOf(type) >= 0) {
            return true;
        }
        if (IGNORED_PREFIXES.stream().anyMatch(name::startsWith) || IGNORED_SUFFIXES.stream().anyMatch(name::endsWith)
                || IGNORED_INFIXES.stream().anyMatch(name::contains)) {
            return true;
        }
        return Character.toUpperCase(type) == 'A' && !KEPT_ABSOLUTE.contains(name);
    }

    private record Entry(RawSym sym, int startPos) {}

    /** Applies the filter, the per-cpu rule and the sort; {@code map} is in System.map order. */
    static List<RawSym> fromSystemMap(List<RawSym> map) {
        long percpuStart = -1;
        long percpuEnd = 0;
        List<Entry> kept = new ArrayList<>(map.size());
        for (RawSym s : map) {
            if (ignored(s.name(), s.type())) {
                continue;
            }
            if (s.name().equals("__per_cpu_start")) {
                percpuStart = s.address();
            } else if (s.name().equals("__per_cpu_end")) {
                percpuEnd = s.address();
            }
            kept.add(new Entry(s, kept.size()));
        }
        List<Entry> table = new ArrayList<>(kept.size());
        for (Entry e : kept) {
            RawSym s = e.sym();
            boolean percpu = Long.compareUnsigned(s.address(), percpuStart) >= 0
                    && Long.compareUnsigned(s.address(), percpuEnd) <= 0;
            // scripts/kallsyms marks per-cpu symbols absolute and types them 'A'.
            table.add(percpu ? new Entry(new RawSym(s.address(), 'A', s.name(), s.section(), s.file()), e.startPos())
                    : e);
        }
        table.sort(ORDER);
        List<RawSym> out = new ArrayList<>(table.size());
        table.forEach(e -> out.add(e.sym()));
        return out;
    }

    /** scripts/kallsyms' compare_symbols: address, then weak last, linker-provided last, fewer '_' first. */
    private static final Comparator<Entry> ORDER = Comparator
            .comparing((Entry e) -> e.sym().address(), Long::compareUnsigned)
            .thenComparingInt(e -> isWeak(e.sym().type()) ? 1 : 0)
            .thenComparingInt(e -> mayBeLinkerProvided(e.sym().name()) ? 1 : 0)
            .thenComparingInt(e -> leadingUnderscores(e.sym().name()))
            .thenComparingInt(Entry::startPos);

    private static boolean isWeak(char type) {
        return type == 'w' || type == 'W';
    }

    private static boolean mayBeLinkerProvided(String n) {
        if (n.length() < 8 || !n.startsWith("__")) {
            return false;
        }
        return n.startsWith("__start_") || n.startsWith("__stop_") || n.startsWith("__end_") || n.endsWith("_start")
                || n.endsWith("_end");
    }

    private static int leadingUnderscores(String n) {
        int i = 0;
        while (i < n.length() && n.charAt(i) == '_') {
            i++;
        }
        return i;
    }
}
