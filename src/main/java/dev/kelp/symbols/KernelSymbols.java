package dev.kelp.symbols;

import dev.kelp.arch.registry.BootImages;
import dev.kelp.arch.registry.Machines;
import dev.kelp.elf.Elf;
import dev.kelp.elf.ElfFile;
import dev.kelp.util.KelpException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The symbol database of a target kernel: vmlinux's and each module's kallsyms lists with
 * livepatch positions, and who exports what. Build it with {@link #load}.
 */
public final class KernelSymbols {
    public static final String VMLINUX = "vmlinux";

    private final Map<String, ObjectSymbols> objects;
    private final Map<String, Export> exports;
    private final Map<String, List<String>> definingObjects;
    private final KernelImageInfo image;

    private KernelSymbols(Map<String, ObjectSymbols> objects, Map<String, Export> exports, KernelImageInfo image) {
        this.objects = Collections.unmodifiableMap(objects);
        this.exports = Collections.unmodifiableMap(exports);
        this.image = image;
        Map<String, List<String>> defining = new HashMap<>();
        for (ObjectSymbols o : objects.values()) {
            for (KSym s : o.symbols()) {
                List<String> l = defining.computeIfAbsent(s.name(), k -> new ArrayList<>(1));
                if (l.isEmpty() || !l.get(l.size() - 1).equals(o.name())) {
                    l.add(o.name());
                }
            }
        }
        this.definingObjects = defining;
    }

    /** Identification of the kernel image the vmlinux list came from (empty fields if unknown). */
    public record KernelImageInfo(String banner, String buildId, String tableLayout) {
        static final KernelImageInfo NONE = new KernelImageInfo("", "", "");
    }

    /**
     * Loads the sources. Exactly one vmlinux source (vmlinuz, kallsyms copy, vmlinux or
     * System.map) is required; modules and Module.symvers are optional.
     */
    public static KernelSymbols load(List<SymbolSource> sources) {
        List<SymbolSource> vmlinuxSources = sources.stream().filter(s -> !(s instanceof SymbolSource.Modules)
                && !(s instanceof SymbolSource.Symvers)).toList();
        if (vmlinuxSources.size() != 1) {
            throw new KelpException("give exactly one source of vmlinux symbols (--kernel, --vmlinuz, --kallsyms,"
                    + " --vmlinux or --system-map); got " + vmlinuxSources.size());
        }
        Map<String, ObjectSymbols> objects = new LinkedHashMap<>();
        KernelImageInfo image = KernelImageInfo.NONE;
        SymbolSource main = vmlinuxSources.get(0);
        if (main instanceof SymbolSource.Kallsyms k) {
            requireFile(k.file());
            SymbolListText.read(k.file()).forEach((obj, raw) -> objects.put(obj,
                    new ObjectSymbols(obj, k.file() + " (kallsyms copy)", raw, Set.of())));
        } else {
            VmlinuxList v = vmlinux(main);
            objects.put(VMLINUX, new ObjectSymbols(VMLINUX, v.origin(), v.symbols(), Set.of()));
            image = v.image();
        }
        Map<String, Export> exports = new HashMap<>();
        for (SymbolSource s : sources) {
            if (s instanceof SymbolSource.Modules m) {
                for (ModuleSymtab.Module mod : modules(m.dir())) {
                    objects.putIfAbsent(mod.name(), new ObjectSymbols(mod.name(), mod.file() + " (symbol table)",
                            mod.core(), mod.loadOrderDependent()));
                }
            } else if (s instanceof SymbolSource.Symvers sv) {
                requireFile(sv.file());
                exports.putAll(Symvers.read(sv.file()));
            }
        }
        return new KernelSymbols(objects, exports, image);
    }

    public static KernelSymbols load(SymbolSource... sources) {
        return load(List.of(sources));
    }

    private record VmlinuxList(String origin, List<RawSym> symbols, KernelImageInfo image) {}

    private static VmlinuxList vmlinux(SymbolSource s) {
        if (s instanceof SymbolSource.SystemMap m) {
            requireFile(m.file());
            List<RawSym> map = SymbolListText.read(m.file()).get(VMLINUX);
            return new VmlinuxList(m.file() + " (System.map)", KallsymsOrder.fromSystemMap(map), KernelImageInfo.NONE);
        }
        Path file;
        byte[] elfBytes;
        if (s instanceof SymbolSource.Vmlinuz z) {
            requireFile(z.file());
            file = z.file();
            elfBytes = BootImages.imageKernelElf(file, readAll(file));
        } else if (s instanceof SymbolSource.Vmlinux v) {
            requireFile(v.file());
            file = v.file();
            byte[] content = readAll(file);
            if (!Elf.hasMagic(content) && Machines.boots().stream().anyMatch(a -> a.boots(content))) {
                throw new KelpException(file + ": this is a compressed kernel (bzImage); pass it with --vmlinuz");
            }
            elfBytes = content;
        } else {
            throw new IllegalArgumentException(String.valueOf(s));
        }
        if (!Elf.hasMagic(elfBytes)) {
            throw new KelpException(file + ": not an ELF file (expected a vmlinux)");
        }
        ElfFile elf = ElfFile.read(file.toString(), elfBytes);
        String banner = KernelBanner.find(elf).orElse("");
        String buildId = KernelBanner.buildId(elf).orElse("");
        if (elf.symtab() != null) {
            return new VmlinuxList(file + " (.symtab)", VmlinuxSymtab.kallsyms(elf),
                    new KernelImageInfo(banner, buildId, ".symtab"));
        }
        KallsymsTables.Result r = KallsymsTables.read(file.toString(), elf);
        KallsymsTables.Layout l = r.layout();
        String layout = String.format("%s: token_table %x, token_index %x, num_syms %x, names %x, markers %x,"
                + " offsets %x, relative_base %x (%s)", l.section(), l.tokenTable(), l.tokenIndex(), l.numSyms(),
                l.names(), l.markers(), l.offsets(), l.relativeBase(), l.addressMode());
        return new VmlinuxList(file + " (kallsyms tables)", r.symbols(), new KernelImageInfo(banner, buildId, layout));
    }

    private static List<ModuleSymtab.Module> modules(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new KelpException(dir + ": not a directory (expected the target's /lib/modules/RELEASE)");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> Files.isRegularFile(p) && ModuleSymtab.isModuleFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (files.isEmpty()) {
            throw new KelpException(dir + ": no .ko files found");
        }
        List<ModuleSymtab.Module> mods = files.parallelStream().map(ModuleSymtab::read).toList();
        return mods.stream().sorted(java.util.Comparator.comparing(ModuleSymtab.Module::name)).toList();
    }

    private static void requireFile(Path p) {
        if (!Files.isRegularFile(p)) {
            throw new KelpException(p + ": no such file");
        }
    }

    private static byte[] readAll(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Object names: vmlinux first, then modules by name. */
    public List<String> objects() {
        return List.copyOf(objects.keySet());
    }

    public Optional<ObjectSymbols> find(String object) {
        return Optional.ofNullable(objects.get(object));
    }

    /** The object's symbols; fails if the object is unknown. */
    public ObjectSymbols object(String object) {
        ObjectSymbols o = objects.get(object);
        if (o == null) {
            throw new KelpException("object '" + object + "' is not in the symbol database (known: vmlinux and "
                    + (objects.size() - 1) + " modules; module names use '_' where the file name has '-')");
        }
        return o;
    }

    public List<KSym> symbols(String object) {
        return object(object).symbols();
    }

    /** Symbols of that name in the object, in kallsyms order. */
    public List<KSym> lookup(String object, String name) {
        return object(object).lookup(name);
    }

    /** The objects (vmlinux, modules) that define a symbol of that name. */
    public List<String> objectsDefining(String name) {
        return definingObjects.getOrDefault(name, List.of());
    }

    /** Export information from Module.symvers, if it was loaded and lists the symbol. */
    public Optional<Export> isExported(String name) {
        return Optional.ofNullable(exports.get(name));
    }

    public Map<String, Export> exports() {
        return exports;
    }

    public KernelImageInfo image() {
        return image;
    }

    /**
     * The livepatch position of the symbol of that name at that address (vmlinux) or section
     * value (module). Fails if there is no such symbol, if the kernel could not resolve it, or if
     * the position depends on whether the target module loads before or after the patch.
     */
    public int sympos(String object, String name, long address) {
        List<KSym> c = lookup(object, name);
        KSym s = c.stream().filter(k -> k.address() == address).findFirst().orElseThrow(() -> new KelpException(
                "no symbol '" + name + "' at " + Long.toHexString(address) + " in " + object + " ("
                        + (c.isEmpty() ? "no symbol of that name" : c.size() + " of that name elsewhere") + ")"));
        if (c.stream().filter(k -> k.address() == address).count() > 1) {
            throw new KelpException("symbol '" + name + "' in " + object + " occurs more than once at "
                    + Long.toHexString(address) + "; its position cannot be told from the address");
        }
        return checkedSympos(s);
    }

    /** The position of a symbol of this database, with the kernel's resolution caveats checked. */
    public int checkedSympos(KSym s) {
        ObjectSymbols o = object(s.object());
        if (o.positionDependsOnLoadOrder(s.name())) {
            throw new KelpException("symbol '" + s.name() + "' in module " + s.object() + ": its position differs"
                    + " between the module loaded before the patch (core symbols) and after it (full symbol table,"
                    + " init symbols included); the kernel cannot resolve it reliably: patch a caller instead");
        }
        if (s.object().equals(VMLINUX) && s.address() == 0 && s.type() == 'A') {
            throw new KelpException("symbol '" + s.name() + "' in vmlinux is at address 0 (per-cpu): livepatch"
                    + " treats address 0 as 'not found' and cannot resolve it");
        }
        return s.sympos();
    }

    /**
     * The candidate of that name that belongs to the given compilation unit; see {@link LocalResolver}.
     */
    public KSym resolve(String name, String object, UnitContext ctx) {
        return LocalResolver.resolve(object(object), name, ctx);
    }
}
