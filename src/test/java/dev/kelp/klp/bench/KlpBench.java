package dev.kelp.klp.bench;

import dev.kelp.elf.ElfFile;
import dev.kelp.klp.DatabaseOracle;
import dev.kelp.klp.KlpConversionException;
import dev.kelp.klp.KlpConverter;
import dev.kelp.symbols.KernelSymbols;
import dev.kelp.symbols.SymbolSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Benchmark for scripts/bench-klp: loads the symbol database of an installed kernel (timed),
 * then converts each module given (read, convert, encode) several times and prints the best
 * time per module. Usage: KlpBench RELEASE PASSES MODULE.ko...
 */
public final class KlpBench {
    private KlpBench() {}

    public static void main(String[] args) throws Exception {
        String release = args[0];
        int passes = Integer.parseInt(args[1]);
        long t0 = System.nanoTime();
        KernelSymbols db = KernelSymbols.load(SymbolSource.forRelease(release));
        double load = (System.nanoTime() - t0) / 1e9;
        int symbols = db.objects().stream().mapToInt(o -> db.symbols(o).size()).sum();
        System.out.printf("symbol database: %.2f s (%d symbols in %d objects)%n", load, symbols, db.objects().size());
        DatabaseOracle oracle = new DatabaseOracle(db);
        double total = 0;
        for (String a : List.of(args).subList(2, args.length)) {
            Path ko = Path.of(a);
            byte[] image = Files.readAllBytes(ko);
            double best = Double.MAX_VALUE;
            String outcome = "";
            for (int i = 0; i < passes; i++) {
                long s = System.nanoTime();
                ElfFile elf = ElfFile.read(ko.toString(), image.clone());
                try {
                    KlpConverter.Result r = KlpConverter.convert(elf, oracle, KlpConverter.Options.defaults());
                    outcome = r.relocations().size() + " klp relocations, " + elf.toBytes().length + " bytes";
                } catch (KlpConversionException e) {
                    outcome = "refused (" + e.problems().size() + " problems)";
                }
                best = Math.min(best, (System.nanoTime() - s) / 1e9);
            }
            total += best;
            System.out.printf("%-28s %8.2f ms  %s (%d bytes in)%n", ko.getFileName(), best * 1e3, outcome, image.length);
        }
        System.out.printf("conversion best total: %.2f ms%n", total * 1e3);
    }
}
