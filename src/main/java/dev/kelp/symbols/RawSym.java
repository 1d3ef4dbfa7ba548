package dev.kelp.symbols;

/** A symbol as a reader produced it, before the object's positions are computed. */
record RawSym(long address, char type, String name, String section, String file) {
    RawSym(long address, char type, String name) {
        this(address, type, name, "", "");
    }
}
