package dev.kelp.clones;

import java.util.List;
import java.util.Set;

/**
 * The parsed ipa-clones dump of one translation unit. {@code unit} names the dump (its path as
 * given); {@code object} is the target object the unit is linked into ({@code vmlinux} or a
 * module name). Edges keep the dump's order; repeated lines are kept once.
 */
public record IpaDump(String unit, String object, List<IpaEdge> edges, Set<IpaNode> removed,
        Format format) {

    /** Which line layout the dump used. */
    public enum Format {
        /** Upstream GCC (7/8 and later): 12-field clone lines, 6-field removal lines. */
        CURRENT,
        /** Martin Liška's pre-upstream branch: 14-field clone lines with {@code <-} and {@code optimization:}. */
        OLD,
        /** No clone line at all (an empty dump: nothing was inlined or cloned in the unit). */
        EMPTY
    }

    public IpaDump withObject(String newObject) {
        return new IpaDump(unit, newObject, edges, removed, format);
    }

    public IpaDump withUnit(String newUnit) {
        return new IpaDump(newUnit, object, edges, removed, format);
    }

    /** Whether any node of the dump carries this assembler name. */
    public boolean mentions(String name) {
        return edges.stream().anyMatch(e -> e.from().name().equals(name) || e.to().name().equals(name))
                || removed.stream().anyMatch(n -> n.name().equals(name));
    }
}
