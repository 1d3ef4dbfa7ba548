package dev.kelp.clones;

import java.util.Optional;

/**
 * The binary truth about a target object's functions: does {@code object} define a function
 * named {@code name}? Empty when this lookup knows nothing about the object.
 */
@FunctionalInterface
interface SymbolLookup {

    Optional<Boolean> definesFunction(String object, String name);

    /** Knows nothing: every answer falls back on what the dump says. */
    static SymbolLookup none() {
        return (object, name) -> Optional.empty();
    }
}
