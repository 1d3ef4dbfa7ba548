package dev.kelp.klp;

import dev.kelp.symbols.UnitContext;
import java.util.List;
import java.util.Optional;

/**
 * What the converter needs to know about the target kernel's symbols: who exports a name, which
 * objects define it, and the livepatch position (sympos) of each definition. Implemented over
 * kelp's symbol database ({@link DatabaseOracle}) and over klp-convert's symbol map
 * ({@link SymbolMapOracle}), which has no positions.
 */
public interface SymbolOracle {
    /** Where the symbols come from, for messages. */
    String origin();

    /** The object exporting that name ({@code vmlinux} or a module), if any. */
    Optional<String> exporter(String name);

    /** Objects that define a symbol of that name, vmlinux first. */
    List<String> objectsDefining(String name);

    /** Whether the object is known at all (vmlinux always is). */
    boolean knowsObject(String object);

    /** The definitions of a name in one object, in the order sympos counts them. */
    List<Candidate> candidates(String object, String name);

    /**
     * The sympos of the only definition of a name in an object; throws a KelpException when the
     * kernel could not resolve it (per-cpu at address 0, position depending on load order).
     */
    int uniqueSympos(String object, String name);

    /**
     * The sympos of the definition that belongs to a compilation unit, for a name defined more
     * than once in the object; throws a KelpException listing the candidates when no unit
     * information settles it.
     */
    int unitSympos(String object, String name, UnitContext unit);

    /** One definition: its position and a description for messages (address, type, neighbours). */
    record Candidate(String object, String name, int sympos, String description) {}
}
