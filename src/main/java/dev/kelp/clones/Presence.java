package dev.kelp.clones;

/** Whether a function to patch has a symbol of its own in the target object. */
enum Presence {
    /** A defined function symbol of that name exists: it can be replaced directly. */
    OWN_SYMBOL,
    /** No symbol: fully inlined or removed; it is reached only through the functions it went into. */
    NO_SYMBOL,
    /** No symbol table was given and the dump does not say. */
    UNKNOWN
}
