package dev.kelp.symbols;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The kallsyms list of one object (vmlinux or a module) with livepatch positions.
 *
 * <p>sympos follows kernel/livepatch/core.c (klp_find_callback / klp_find_object_symbol): the
 * kernel walks the object's kallsyms in order and counts every symbol with exactly that name,
 * whatever its type; position 0 asks for a unique name, N ≥ 1 for the N-th match.
 */
public final class ObjectSymbols {
    private final String name;
    private final String origin;
    private final List<KSym> symbols;
    private final Map<String, List<KSym>> byName;
    private final Set<String> loadOrderDependent;

    ObjectSymbols(String name, String origin, List<RawSym> raw, Set<String> loadOrderDependent) {
        this.name = name;
        this.origin = origin;
        Map<String, Integer> counts = new HashMap<>(raw.size() * 2);
        for (RawSym r : raw) {
            counts.merge(r.name(), 1, Integer::sum);
        }
        Map<String, Integer> seen = new HashMap<>();
        List<KSym> list = new ArrayList<>(raw.size());
        Map<String, List<KSym>> index = new HashMap<>(raw.size() * 2);
        for (int i = 0; i < raw.size(); i++) {
            RawSym r = raw.get(i);
            int nth = seen.merge(r.name(), 1, Integer::sum);
            int sympos = counts.get(r.name()) == 1 ? 0 : nth;
            KSym k = new KSym(name, i, r.address(), r.type(), r.name(), sympos, r.section(), r.file());
            list.add(k);
            index.computeIfAbsent(r.name(), x -> new ArrayList<>(1)).add(k);
        }
        this.symbols = Collections.unmodifiableList(list);
        this.byName = index;
        this.loadOrderDependent = Set.copyOf(loadOrderDependent);
    }

    /** {@code vmlinux} or the module name. */
    public String name() {
        return name;
    }

    /** Where the list came from (file and method), for messages. */
    public String origin() {
        return origin;
    }

    /** All symbols in kallsyms order. */
    public List<KSym> symbols() {
        return symbols;
    }

    /** The symbols of that name, in kallsyms order (empty if none). */
    public List<KSym> lookup(String symbol) {
        return byName.getOrDefault(symbol, List.of());
    }

    /**
     * Module names whose position differs between a target module loaded before the patch (the
     * kernel counts its core kallsyms) and one loaded after it (counted while the module is still
     * coming, over its full symbol table including init symbols).
     */
    public boolean positionDependsOnLoadOrder(String symbol) {
        return loadOrderDependent.contains(symbol);
    }

    /** The neighbours of a symbol in kallsyms order (up to {@code radius} on each side). */
    public List<KSym> neighbours(KSym s, int radius) {
        int from = Math.max(0, s.index() - radius);
        int to = Math.min(symbols.size(), s.index() + radius + 1);
        List<KSym> out = new ArrayList<>(symbols.subList(from, to));
        out.remove(s);
        return out;
    }
}
