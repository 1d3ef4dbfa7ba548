package dev.kelp.klp;

import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Modinfo;
import dev.kelp.elf.Section;
import dev.kelp.elf.Symbol;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps {@code depends=} in {@code .modinfo} true after conversion. modpost lists every module
 * whose exports the patch uses; once those references are klp relocations the patch no longer
 * needs the module loaded first (that is the point: the kernel applies them when the module
 * comes), and modprobe must not pull it in. The entry is edited in place and padded with NULs,
 * which the kernel's .modinfo parser skips, so no offset in the section moves.
 */
final class ModinfoDepends {
    private static final String KEY = "depends";

    private ModinfoDepends() {}

    /** Drops from depends= the modules that no remaining undefined symbol comes from. */
    static void update(ElfFile elf, SymbolOracle oracle) {
        Section modinfo = elf.section(Modinfo.SECTION);
        if (modinfo == null) {
            return;
        }
        Set<String> needed = new LinkedHashSet<>();
        for (Symbol s : elf.symbols()) {
            if (s.isUndefined() && !s.name().isEmpty()) {
                oracle.exporter(s.name()).ifPresent(needed::add);
            }
        }
        byte[] d = modinfo.data();
        for (Modinfo.Entry e : Modinfo.parse(d).entries()) {
            if (e.key().equals(KEY)) {
                rewrite(d, e.offset(), e.offset() + e.length(), e.value(), needed);
            }
        }
    }

    private static void rewrite(byte[] d, int start, int end, String value, Set<String> needed) {
        List<String> kept = new ArrayList<>();
        for (String m : value.split(",")) {
            if (!m.isEmpty() && needed.contains(m.replace('-', '_'))) {
                kept.add(m);
            }
        }
        byte[] repl = (KEY + "=" + String.join(",", kept)).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(repl, 0, d, start, repl.length);
        for (int i = start + repl.length; i < end; i++) {
            d[i] = 0;
        }
    }
}
