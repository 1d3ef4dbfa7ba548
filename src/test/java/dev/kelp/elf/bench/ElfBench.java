package dev.kelp.elf.bench;

import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Relocation;
import dev.kelp.elf.RelocationSection;
import dev.kelp.elf.Symbol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * Benchmark for scripts/bench-elf: reads the symbols and relocations of every file named in a
 * list file (one path a line), several passes in one JVM, and prints time and throughput.
 * Usage: ElfBench LISTFILE [PASSES]
 */
public final class ElfBench {
    private ElfBench() {
    }

    public static void main(String[] args) throws IOException {
        List<Path> files = Files.readAllLines(Paths.get(args[0])).stream().filter(s -> !s.isBlank()).map(Paths::get)
                .toList();
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long bytes = 0;
        for (Path p : files) {
            bytes += Files.size(p);
        }
        double best = Double.MAX_VALUE;
        for (int pass = 1; pass <= passes; pass++) {
            long t0 = System.nanoTime();
            long symbols = 0;
            long relocations = 0;
            long check = 0;
            for (Path p : files) {
                ElfFile elf = ElfFile.read(p);
                for (Symbol s : elf.symbols()) {
                    symbols++;
                    check += s.name().length() + s.value();
                }
                for (RelocationSection r : elf.relocationSections()) {
                    for (Relocation rel : r.relocations()) {
                        relocations++;
                        check += rel.offset() + (rel.symbol() == null ? 0 : rel.symbol().index());
                    }
                }
            }
            double s = (System.nanoTime() - t0) / 1e9;
            best = Math.min(best, s);
            System.out.printf("kelp pass %d: %d files, %.1f MB, %d symbols, %d relocations in %.2f s = %.0f MB/s"
                    + " (check %d)%n", pass, files.size(), bytes / 1e6, symbols, relocations, s, bytes / 1e6 / s,
                    check % 1000);
        }
        System.out.printf("kelp best: %.2f s = %.0f MB/s%n", best, bytes / 1e6 / best);
    }
}
