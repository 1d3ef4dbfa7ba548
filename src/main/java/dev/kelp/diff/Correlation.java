package dev.kelp.diff;

import dev.kelp.elf.Symbol;

/** Pairs of symbols (original ↔ patched) that are the same function or object. */
final class Correlation {
    private final IndexedMap<Symbol, Symbol> origOf;
    private final IndexedMap<Symbol, Symbol> patchedOf;
    private int size;

    /** Capacities: the symbol counts of the original and patched objects. */
    Correlation(int origSymbols, int patchedSymbols) {
        this.origOf = new IndexedMap<>(patchedSymbols, Symbol::index);
        this.patchedOf = new IndexedMap<>(origSymbols, Symbol::index);
    }

    void pair(Symbol orig, Symbol patched) {
        if (origOf.get(patched) == null) {
            size++;
        }
        origOf.put(patched, orig);
        patchedOf.put(orig, patched);
    }

    void unpair(Symbol patched) {
        Symbol o = origOf.remove(patched);
        if (o != null) {
            patchedOf.remove(o);
            size--;
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
        return size;
    }
}
