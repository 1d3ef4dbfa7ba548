package dev.kelp.clones;

import dev.kelp.symbols.KSym;
import dev.kelp.symbols.KernelSymbols;
import java.util.Optional;

/**
 * "Does the running kernel have a function of that name in that object?" from the target's
 * symbol database (vmlinuz kallsyms and the release's modules): the binary truth for "no symbol
 * of its own". kallsyms keeps local symbols, so static functions that survived count.
 */
final class KernelSymbolLookup implements SymbolLookup {
    private final KernelSymbols symbols;

    public KernelSymbolLookup(KernelSymbols symbols) {
        this.symbols = symbols;
    }

    @Override
    public Optional<Boolean> definesFunction(String object, String name) {
        return symbols.find(object).map(o -> o.lookup(name).stream().anyMatch(KernelSymbolLookup::isText));
    }

    /** kallsyms/nm text types (T t W w); a module's symbols carry the same letters. */
    static boolean isText(KSym s) {
        char t = Character.toUpperCase(s.type());
        return t == 'T' || t == 'W';
    }
}
