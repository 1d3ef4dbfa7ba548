package dev.kelp.clones;

import java.util.List;

/**
 * A function that must be patched because a changed function reached it. {@code chain} lists
 * the dump edges from the start function to this one, in order (empty for a start function
 * itself). {@code presenceReason} says how {@link #presence()} was decided.
 */
record AffectedFunction(String object, String unit, String name, String start, List<IpaEdge> chain,
        Presence presence, String presenceReason) {

    public boolean isStart() {
        return chain.isEmpty();
    }

    /** Reached through an optimisation clone, so its code follows a compiler-private calling convention. */
    public boolean isOptimisationClone() {
        return !chain.isEmpty() && chain.get(chain.size() - 1).kind().isOptimisationClone();
    }

    /** "changed", or "helper inlined into g, g.constprop.0 constprop clone of g". */
    public String describeChain() {
        if (chain.isEmpty()) {
            return "changed";
        }
        StringBuilder sb = new StringBuilder();
        for (IpaEdge e : chain) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(e.describe());
        }
        return sb.toString();
    }
}
