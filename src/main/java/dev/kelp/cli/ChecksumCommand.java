package dev.kelp.cli;

import dev.kelp.diff.ChecksumListing;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kelp checksum}: normalised per-function checksums (XXH3-64). */
@Command(name = "checksum", mixinStandardHelpOptions = true,
        description = {"Prints one line per function: name, size, XXH3-64 of its code with relocation targets",
            "counted by name and addend (not by offset). With --compare A.o B.o, lists the functions that",
            "differ (+name: only in B, -name: only in A); exit 0 when none differ, 3 otherwise."})
public final class ChecksumCommand implements Callable<Integer> {
    @Option(names = "--compare", description = "Compare two objects.")
    boolean compare;

    @Parameters(arity = "1..2", paramLabel = "FILE.o")
    List<Path> files;

    @Override
    public Integer call() {
        if (compare) {
            if (files.size() != 2) {
                throw new dev.kelp.util.KelpException("checksum --compare needs two objects: A.o B.o");
            }
            List<String> d = ChecksumListing.compare(files.get(0), files.get(1));
            d.forEach(System.out::println);
            System.out.flush();
            return d.isEmpty() ? 0 : 3;
        }
        if (files.size() != 1) {
            throw new dev.kelp.util.KelpException("checksum takes one object (or --compare A.o B.o)");
        }
        for (ChecksumListing.Entry e : ChecksumListing.of(files.get(0))) {
            System.out.println(e.line());
        }
        System.out.flush();
        return 0;
    }
}
