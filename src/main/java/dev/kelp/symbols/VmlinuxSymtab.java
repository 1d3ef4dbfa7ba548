package dev.kelp.symbols;

import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Symbol;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The kallsyms list of an unstripped vmlinux, rebuilt from its .symtab the way the kernel build
 * does: {@code nm -n} (type letters, address order, ties by name in the C locale), the
 * {@code scripts/mksysmap} filter, then {@link KallsymsOrder}. Local symbols keep the name of
 * the FILE symbol that precedes them, which identifies their compilation unit.
 */
final class VmlinuxSymtab {
    private VmlinuxSymtab() {}

    /** System.map lines mksysmap drops: nm types a, N, U, w, and these name patterns. */
    static boolean droppedByMksysmap(String name, char type) {
        return "aNUw".indexOf(type) >= 0 || name.startsWith("$") || name.startsWith(".L")
                || name.startsWith("__crc_") || name.startsWith("__kstrtab_") || name.startsWith("__kstrtabns_")
                || name.equals("L0");
    }

    /** The System.map the kernel build would write for this vmlinux, with FILE names attached. */
    static List<RawSym> systemMap(ElfFile elf) {
        List<RawSym> map = new ArrayList<>();
        String file = "";
        for (Symbol s : elf.symbols()) {
            if (s.isFile()) {
                file = s.name();
                continue;
            }
            if (!s.isLocal()) {
                file = "";
            }
            if (s.isSection() || s.name().isEmpty()) {
                continue;
            }
            char type = NmTypes.nm(s);
            if (droppedByMksysmap(s.name(), type)) {
                continue;
            }
            map.add(new RawSym(s.value(), type, s.name(), "", s.isLocal() ? file : ""));
        }
        map.sort(Comparator.comparing(RawSym::address, Long::compareUnsigned).thenComparing(RawSym::name));
        return map;
    }

    static List<RawSym> kallsyms(ElfFile elf) {
        return KallsymsOrder.fromSystemMap(systemMap(elf));
    }
}
