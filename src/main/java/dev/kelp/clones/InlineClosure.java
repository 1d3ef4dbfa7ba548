package dev.kelp.clones;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The inline/clone closure of one translation unit: from the functions whose source changed,
 * every function that holds a copy of changed code, found by following the dump's edges until
 * the set stops growing.
 *
 * <p>Propagation works on names, not on (name, order) nodes: within one unit a name stands for
 * one source body, and GCC gives the extra nodes it makes while inlining (inline clones, the
 * recursive-inlining master clone) the same name but a new order, printing edges only for some
 * of them. Treating all nodes of a name as one keeps every copy of the body in view. Clones get
 * new names ({@code .constprop.0}, {@code .isra.0}, {@code .part.0}), so clones of clones are
 * just longer paths, and cycles (recursion, mutual inlining) end at the visited set.
 */
final class InlineClosure {
    private final IpaDump dump;
    private final Map<String, List<IpaEdge>> outgoing = new HashMap<>();
    private final Map<String, Set<Integer>> ordersByName = new HashMap<>();
    private final Map<String, Set<Integer>> removedOrdersByName = new HashMap<>();

    public InlineClosure(IpaDump dump) {
        this.dump = dump;
        for (IpaEdge e : dump.edges()) {
            outgoing.computeIfAbsent(e.from().name(), k -> new ArrayList<>()).add(e);
            noteNode(e.from());
            noteNode(e.to());
        }
        for (IpaNode n : dump.removed()) {
            noteNode(n);
            removedOrdersByName.computeIfAbsent(n.name(), k -> new HashSet<>()).add(n.order());
        }
    }

    private void noteNode(IpaNode n) {
        ordersByName.computeIfAbsent(n.name(), k -> new HashSet<>()).add(n.order());
    }

    /**
     * Every function reached from {@code starts} (start functions included, in the order given),
     * each with the shortest chain that brought it in. Starts the dump never mentions are kept:
     * they were neither inlined nor cloned, so they are their own only copy.
     */
    public List<AffectedFunction> close(Collection<String> starts, SymbolLookup symbols) {
        Map<String, Reached> reached = new LinkedHashMap<>();
        Deque<String> queue = new ArrayDeque<>();
        for (String s : starts) {
            if (reached.putIfAbsent(s, new Reached(s, List.of())) == null) {
                queue.add(s);
            }
        }
        while (!queue.isEmpty()) {
            String name = queue.poll();
            Reached from = reached.get(name);
            for (IpaEdge e : outgoing.getOrDefault(name, List.of())) {
                String next = e.to().name();
                if (!reached.containsKey(next)) {
                    List<IpaEdge> chain = new ArrayList<>(from.chain());
                    chain.add(e);
                    reached.put(next, new Reached(from.start(), List.copyOf(chain)));
                    queue.add(next);
                }
            }
        }
        List<AffectedFunction> out = new ArrayList<>();
        reached.forEach((name, r) -> {
            Presence p;
            String why;
            Optional<Boolean> sym = symbols.definesFunction(dump.object(), name);
            if (sym.isPresent()) {
                p = sym.get() ? Presence.OWN_SYMBOL : Presence.NO_SYMBOL;
                why = sym.get() ? "symbol in " + dump.object() : "no symbol in " + dump.object();
            } else if (allNodesRemoved(name)) {
                p = Presence.NO_SYMBOL;
                why = "every node removed in the dump";
            } else {
                p = Presence.UNKNOWN;
                why = "no symbol table for " + dump.object();
            }
            out.add(new AffectedFunction(dump.object(), dump.unit(), name, r.start(), r.chain(), p, why));
        });
        return out;
    }

    /** True when the dump shows the name and removed every node carrying it. */
    public boolean allNodesRemoved(String name) {
        Set<Integer> removed = removedOrdersByName.get(name);
        return removed != null && removed.containsAll(ordersByName.get(name));
    }

    public IpaDump dump() {
        return dump;
    }

    private record Reached(String start, List<IpaEdge> chain) {
    }
}
