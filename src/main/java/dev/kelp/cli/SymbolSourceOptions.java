package dev.kelp.cli;

import dev.kelp.klp.DatabaseOracle;
import dev.kelp.klp.SymbolMapOracle;
import dev.kelp.klp.SymbolOracle;
import dev.kelp.symbols.KernelSymbols;
import dev.kelp.symbols.SymbolSource;
import dev.kelp.util.KelpException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * Where a command gets the target kernel's symbols: the options of {@code kelp symbols}
 * (one vmlinux source, optional modules and Module.symvers) or a klp-convert symbol map. Used as
 * a picocli mixin by commands that resolve livepatch symbols.
 */
final class SymbolSourceOptions {
    private static final Pattern BANNER_RELEASE = Pattern.compile("^Linux version (\\S+)");

    static final class Source {
        @Option(names = "--kernel", paramLabel = "RELEASE",
                description = "installed kernel: /boot/vmlinuz-RELEASE, /lib/modules/RELEASE and the headers'"
                        + " Module.symvers")
        String release;

        @Option(names = "--vmlinuz", paramLabel = "FILE", description = "bzImage whose kallsyms tables are read")
        Path vmlinuz;

        @Option(names = "--kallsyms", paramLabel = "FILE",
                description = "copy of /proc/kallsyms from the target (.xz/.gz accepted)")
        Path kallsyms;

        @Option(names = "--vmlinux", paramLabel = "FILE", description = "vmlinux ELF (unstripped, or stripped)")
        Path vmlinux;

        @Option(names = "--system-map", paramLabel = "FILE", description = "System.map of the target kernel")
        Path systemMap;

        @Option(names = "--symbol-map", paramLabel = "FILE",
                description = "klp-convert symbol map (symbols.klp, or kelp symbols' output); it has no positions,"
                        + " so ambiguous names need annotations")
        Path symbolMap;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Source source;

    @Option(names = "--modules", paramLabel = "DIR", description = "directory of the target's .ko files")
    Path modules;

    @Option(names = "--symvers", paramLabel = "FILE",
            description = "Module.symvers of the target kernel (default: the target headers' one)")
    Path symvers;

    /** Loads the symbols. Exports are required: without them every reference would become klp. */
    SymbolOracle load() {
        if (source == null) {
            throw new KelpException("give the target kernel's symbols: --kernel RELEASE, --vmlinuz FILE, --kallsyms"
                    + " FILE, --vmlinux FILE, --system-map FILE or --symbol-map FILE");
        }
        if (source.symbolMap != null) {
            if (modules != null || symvers != null) {
                throw new KelpException("--symbol-map already lists modules and exports; do not combine it with"
                        + " --modules or --symvers");
            }
            return SymbolMapOracle.read(source.symbolMap);
        }
        List<SymbolSource> sources = new ArrayList<>();
        if (source.release != null) {
            sources.addAll(SymbolSource.forRelease(source.release));
        } else if (source.vmlinuz != null) {
            sources.add(new SymbolSource.Vmlinuz(source.vmlinuz));
        } else if (source.kallsyms != null) {
            sources.add(new SymbolSource.Kallsyms(source.kallsyms));
        } else if (source.vmlinux != null) {
            sources.add(new SymbolSource.Vmlinux(source.vmlinux));
        } else {
            sources.add(new SymbolSource.SystemMap(source.systemMap));
        }
        if (modules != null) {
            sources.removeIf(s -> s instanceof SymbolSource.Modules);
            sources.add(new SymbolSource.Modules(modules));
        }
        if (symvers != null) {
            sources.removeIf(s -> s instanceof SymbolSource.Symvers);
            sources.add(new SymbolSource.Symvers(symvers));
        }
        KernelSymbols db = KernelSymbols.load(sources);
        if (db.exports().isEmpty() && symvers == null) {
            Path headers = headersSymvers(db);
            if (headers == null) {
                throw new KelpException("no Module.symvers found for the target kernel: give --symvers FILE (kelp"
                        + " must know which symbols vmlinux exports)");
            }
            sources.add(new SymbolSource.Symvers(headers));
            db = KernelSymbols.load(sources);
        }
        return new DatabaseOracle(db);
    }

    /** The installed headers' Module.symvers for the release in the image's banner, or null. */
    private static Path headersSymvers(KernelSymbols db) {
        Matcher m = BANNER_RELEASE.matcher(db.image().banner());
        if (!m.find()) {
            return null;
        }
        Path p = Path.of("/usr/src/linux-headers-" + m.group(1), "Module.symvers");
        return Files.isRegularFile(p) ? p : null;
    }
}
