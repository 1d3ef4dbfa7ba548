package dev.kelp.cli;

import dev.kelp.symbols.KernelSymbols;
import dev.kelp.symbols.SymbolMapWriter;
import dev.kelp.symbols.SymbolSource;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kelp symbols}: writes the symbol database of a target kernel. */
@Command(name = "symbols", mixinStandardHelpOptions = true,
        description = "Writes the symbols of a target kernel (vmlinux and modules, in kallsyms order) in"
                + " klp-convert's symbol map format, or as JSON with livepatch positions (sympos) and types.")
final class SymbolsCommand implements Callable<Integer> {

    @Mixin
    SymbolSourceOptions symbols;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "file to write")
    Path output;

    @Option(names = "--json", description = "write JSON with addresses, types and sympos instead")
    boolean json;

    @Override
    public Integer call() {
        List<SymbolSource> sources = symbols.kernelSources();
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
