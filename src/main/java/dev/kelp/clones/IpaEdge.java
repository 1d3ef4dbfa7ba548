package dev.kelp.clones;

/**
 * One {@code Callgraph clone} line: {@code to} was made from {@code from}'s body, either by
 * inlining {@code from} into {@code to} or by cloning {@code from} into {@code to}. {@code field}
 * is the last field as written, kept for messages about unusual suffixes.
 */
record IpaEdge(IpaNode from, IpaNode to, CloneKind kind, String field) {

    /** "helper/0 inlined into g/2", "k.constprop.0/5 constprop clone of k/1". */
    public String describe() {
        return kind == CloneKind.INLINED
                ? from.name() + " " + kind.relation() + " " + to.name()
                : to.name() + " " + kind.relation() + " " + from.name();
    }
}
