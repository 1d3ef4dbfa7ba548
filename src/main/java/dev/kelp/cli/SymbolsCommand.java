package dev.kelp.cli;

import dev.kelp.symbols.KernelSymbols;
import dev.kelp.symbols.SymbolMapWriter;
import dev.kelp.symbols.SymbolSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kelp symbols}: writes the symbol database of a target kernel. */
@Command(name = "symbols", mixinStandardHelpOptions = true,
        description = {"Writes the symbols of a target kernel (vmlinux and modules, in kallsyms order) in",
            "klp-convert's symbol map format, or as JSON with livepatch positions (sympos) and types."})
final class SymbolsCommand implements Callable<Integer> {

    static final class VmlinuxSource {
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
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    VmlinuxSource source;

    @Option(names = "--modules", paramLabel = "DIR", description = "directory of the target's .ko files")
    Path modules;

    @Option(names = "--symvers", paramLabel = "FILE", description = "Module.symvers of the target kernel")
    Path symvers;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "file to write")
    Path output;

    @Option(names = "--json", description = "write JSON with addresses, types and sympos instead")
    boolean json;

    @Override
    public Integer call() {
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
        if (json) {
            SymbolMapWriter.writeJson(db, output);
        } else {
            SymbolMapWriter.writeKlpConvert(db, output);
        }
        int count = db.objects().stream().mapToInt(o -> db.symbols(o).size()).sum();
        System.err.printf("kelp: wrote %s: %d symbols in %d objects%n", output, count, db.objects().size());
        return 0;
    }
}
