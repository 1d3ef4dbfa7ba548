package dev.kelp.clones;

import dev.kelp.symbols.FunctionLists;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Function symbols of target objects, as {@link FunctionLists} reads them from a System.map, a
 * kallsyms copy or an ELF object.
 */
public final class SymbolTables implements SymbolLookup {
    private final Map<String, Set<String>> functionsByObject = new HashMap<>();

    /** Adds the functions {@code file} defines (System.map/kallsyms text or ELF) as those of {@code object}. */
    public SymbolTables add(String object, Path file) {
        FunctionLists.read(object, file).forEach((o, names) ->
                functionsByObject.computeIfAbsent(o, k -> new HashSet<>()).addAll(names));
        return this;
    }

    @Override
    public Optional<Boolean> definesFunction(String object, String name) {
        Set<String> names = functionsByObject.get(object);
        return names == null ? Optional.empty() : Optional.of(names.contains(name));
    }
}
