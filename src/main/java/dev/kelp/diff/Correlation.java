package dev.kelp.diff;

import dev.kelp.elf.Symbol;
import java.util.IdentityHashMap;
import java.util.Map;

/** Pairs of symbols (original ↔ patched) that are the same function or object. */
final class Correlation {
    private final Map<Symbol, Symbol> origOf = new IdentityHashMap<>();
    private final Map<Symbol, Symbol> patchedOf = new IdentityHashMap<>();

    void pair(Symbol orig, Symbol patched) {
        origOf.put(patched, orig);
        patchedOf.put(orig, patched);
    }

    void unpair(Symbol patched) {
        Symbol o = origOf.remove(patched);
        if (o != null) {
            patchedOf.remove(o);
        }
    }

    /** The original twin of a patched symbol, or null (new, or never correlated). */
    Symbol origOf(Symbol patched) {
        return origOf.get(patched);
    }

    /** The patched twin of an original symbol, or null (removed). */
    Symbol patchedOf(Symbol orig) {
        return patchedOf.get(orig);
    }

    int size() {
        return origOf.size();
    }
}
