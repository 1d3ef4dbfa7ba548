package dev.kelp.symbols;

import java.util.Set;

/**
 * What is known about the compilation unit that defines (in the original kernel) a local symbol
 * being looked up: its source file (e.g. {@code fs/proc/cmdline.c}, may be empty) and the names
 * of the other symbols it defines (from the original or patched .o).
 */
public record UnitContext(String sourceFile, Set<String> symbols) {
    public UnitContext {
        sourceFile = sourceFile == null ? "" : sourceFile;
        symbols = Set.copyOf(symbols);
    }
}
