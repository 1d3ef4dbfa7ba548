package dev.kelp.symbols;

import dev.kelp.util.KelpException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.XZInputStream;

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
    private static final Set<String> NOT_KEPT = Set.of(".modinfo", "__versions");

    record Module(String name, Path file, List<RawSym> core, Set<String> loadOrderDependent) {}

    static boolean isModuleFile(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith(".ko") || n.endsWith(".ko.xz") || n.endsWith(".ko.gz") || n.endsWith(".ko.zst");
    }

    static Module read(Path file) {
        ElfImage elf = ElfImage.parse(file.toString(), bytes(file));
        List<ElfImage.Section> secs = elf.sections();
        int percpu = elf.section(".data..percpu").map(ElfImage.Section::index).orElse(-1);
        List<ElfImage.Sym> syms = elf.symbols();
        if (syms.isEmpty()) {
            throw new KelpException(file + ": module has no symbol table (stripped with --strip-all?)");
        }
        List<RawSym> core = new ArrayList<>();
        List<String> coreNames = new ArrayList<>();
        List<Integer> coreIndex = new ArrayList<>();
        for (ElfImage.Sym s : syms) {
            if (s.index() > 0 && isCore(s, secs, percpu)) {
                String section = s.shndx() < secs.size() ? secs.get(s.shndx()).name() : "";
                core.add(new RawSym(s.value(), NmTypes.module(s, secs, percpu), s.name(), section, ""));
                coreNames.add(s.name());
                coreIndex.add(s.index());
            }
        }
        return new Module(moduleName(file, elf), file, core, loadOrderDependent(syms, coreNames, coreIndex));
    }

    static boolean isCore(ElfImage.Sym s, List<ElfImage.Section> secs, int percpu) {
        if (s.shndx() == ElfImage.SHN_UNDEF || s.shndx() >= secs.size() || s.name().isEmpty()) {
            return false;
        }
        if (s.shndx() == percpu) {
            return true;
        }
        ElfImage.Section sec = secs.get(s.shndx());
        return sec.has(ElfImage.SHF_ALLOC) && !NOT_KEPT.contains(sec.name()) && !sec.name().startsWith(".init");
    }

    /** Names whose n-th occurrence is a different symbol in the core list than in the full list. */
    private static Set<String> loadOrderDependent(List<ElfImage.Sym> syms, List<String> coreNames,
            List<Integer> coreIndex) {
        Map<String, List<Integer>> full = new HashMap<>();
        for (ElfImage.Sym s : syms) {
            if (s.index() > 0 && s.shndx() != ElfImage.SHN_UNDEF && !s.name().isEmpty()) {
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
    private static String moduleName(Path file, ElfImage elf) {
        var modinfo = elf.section(".modinfo");
        if (modinfo.isPresent()) {
            byte[] data = elf.bytes().array();
            int p = (int) modinfo.get().offset();
            int end = (int) Math.min(p + modinfo.get().size(), data.length);
            while (p < end) {
                int q = p;
                while (q < end && data[q] != 0) {
                    q++;
                }
                String entry = new String(data, p, q - p, StandardCharsets.ISO_8859_1);
                if (entry.startsWith("name=")) {
                    return entry.substring(5);
                }
                p = q + 1;
            }
        }
        String n = file.getFileName().toString();
        return n.substring(0, n.indexOf(".ko")).replace('-', '_');
    }

    private static byte[] bytes(Path file) {
        String n = file.getFileName().toString();
        try {
            if (n.endsWith(".ko")) {
                return Files.readAllBytes(file);
            }
            if (n.endsWith(".zst")) {
                throw new KelpException(file + ": zstd-compressed modules are not supported; decompress them"
                        + " (zstd -d) into a directory and pass it with --modules");
            }
            try (InputStream in = n.endsWith(".xz") ? new XZInputStream(Files.newInputStream(file))
                    : new GZIPInputStream(Files.newInputStream(file))) {
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
