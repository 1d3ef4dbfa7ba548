package dev.kelp.symbols;

import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Modinfo;
import dev.kelp.elf.Section;
import dev.kelp.elf.Symbol;
import dev.kelp.util.KelpException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What kallsyms shows of a module, computed from its .ko (kernel/module/kallsyms.c, 6.1):
 * once the module is initialised, its kallsyms are the "core" symbols of its symbol table, in
 * table order: defined ({@code st_shndx} neither UNDEF nor reserved), named, and either in the
 * per-cpu section or in an SHF_ALLOC section that is not an init section (name starting
 * ".init", and not .modinfo or __versions, which the loader drops); CONFIG_KALLSYMS_ALL keeps data as well as text. While the module is still coming
 * (before its init ran) the kernel walks the full table instead (every defined symbol).
 */
final class ModuleSymtab {
    private ModuleSymtab() {}

    /** Sections the loader un-ALLOCs before laying the module out (main.c rewrite_section_headers). */
    private static final Set<String> NOT_KEPT = Set.of(Modinfo.SECTION, "__versions");

    private static final String KSYMTAB = "__ksymtab_";

    record Module(String name, Path file, List<RawSym> core, Set<String> loadOrderDependent) {}

    static boolean isModuleFile(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith(".ko") || n.endsWith(".ko.xz") || n.endsWith(".ko.gz") || n.endsWith(".ko.zst");
    }

    static Module read(Path file) {
        ElfFile elf = ElfFile.read(file);
        Section percpu = elf.section(".data..percpu");
        List<Symbol> syms = elf.symbols();
        if (elf.symtab() == null) {
            throw new KelpException(file + ": module has no symbol table (stripped with --strip-all?)");
        }
        Set<String> exported = new HashSet<>();
        for (Symbol s : syms) {
            if (s.name().startsWith(KSYMTAB)) {
                exported.add(s.name().substring(KSYMTAB.length()));
            }
        }
        List<RawSym> core = new ArrayList<>();
        List<String> coreNames = new ArrayList<>();
        List<Integer> coreIndex = new ArrayList<>();
        for (Symbol s : syms) {
            if (isCore(s, percpu)) {
                char type = NmTypes.module(s, percpu);
                // /proc/kallsyms shows a module's own exports in upper case.
                if (exported.contains(s.name())) {
                    type = Character.toUpperCase(type);
                }
                core.add(new RawSym(s.value(), type, s.name(), s.section().name(), ""));
                coreNames.add(s.name());
                coreIndex.add(s.index());
            }
        }
        return new Module(moduleName(file, elf), file, core, loadOrderDependent(syms, coreNames, coreIndex));
    }

    /** is_core_symbol with CONFIG_KALLSYMS_ALL; reserved indices (ABS, COMMON) are beyond e_shnum. */
    static boolean isCore(Symbol s, Section percpu) {
        Section sec = s.section();
        if (sec == null || s.name().isEmpty()) {
            return false;
        }
        if (sec == percpu) {
            return true;
        }
        return sec.isAlloc() && !NOT_KEPT.contains(sec.name()) && !sec.name().startsWith(".init");
    }

    /** Names whose n-th occurrence is a different symbol in the core list than in the full list. */
    private static Set<String> loadOrderDependent(List<Symbol> syms, List<String> coreNames, List<Integer> coreIndex) {
        Map<String, List<Integer>> full = new HashMap<>();
        for (Symbol s : syms) {
            // module_kallsyms_on_each_symbol skips only undefined symbols.
            if (!s.isUndefined() && !s.name().isEmpty()) {
                full.computeIfAbsent(s.name(), k -> new ArrayList<>(1)).add(s.index());
            }
        }
        Map<String, List<Integer>> core = new HashMap<>();
        for (int i = 0; i < coreNames.size(); i++) {
            core.computeIfAbsent(coreNames.get(i), k -> new ArrayList<>(1)).add(coreIndex.get(i));
        }
        Set<String> out = new HashSet<>();
        core.forEach((name, idx) -> {
            if (!idx.equals(full.get(name))) {
                out.add(name);
            }
        });
        return out;
    }

    /** The name the kernel knows the module by: modinfo "name=", else the file name with - → _. */
    private static String moduleName(Path file, ElfFile elf) {
        Optional<String> name = Modinfo.of(elf).flatMap(m -> m.value("name"));
        if (name.isPresent()) {
            return name.get();
        }
        String n = file.getFileName().toString();
        return n.substring(0, n.indexOf(".ko")).replace('-', '_');
    }
}
