package dev.kelp.clones;

import java.util.Map;

/**
 * What an ipa-clones {@code Callgraph clone} line says about its second node. The last field
 * of the line is either the text {@code inlining to} or the suffix GCC appended to the clone's
 * name; this table turns it into a kind.
 */
enum CloneKind {
    /** The second node holds an inlined copy of the first node's body. */
    INLINED("inlined into"),
    /** IPA-CP specialisation for constant arguments ({@code .constprop.N}). */
    CONSTPROP("constprop clone of"),
    /** IPA-SRA: parameters removed or passed by value ({@code .isra.N}). */
    ISRA("isra clone of"),
    /** Partial inlining: the cold tail split off ({@code .part.N}); the head is inlined. */
    PART("part clone of"),
    /**
     * No suffix ({@code (null)}): a same-name copy, e.g. the temporary master clone GCC makes
     * for recursive inlining. It carries the same body, so it propagates like any clone.
     */
    SAME_NAME("same-name copy of"),
    /** Any other suffix (e.g. {@code specialized}, {@code simdclone}): a derived body all the same. */
    OTHER("clone of");

    private static final Map<String, CloneKind> BY_FIELD = Map.of(
            "inlining to", INLINED,
            "constprop", CONSTPROP,
            "isra", ISRA,
            "part", PART,
            "(null)", SAME_NAME);

    private final String relation;

    CloneKind(String relation) {
        this.relation = relation;
    }

    /** Phrase used in chains: "{@code g.constprop.0} constprop clone of {@code g}". */
    public String relation() {
        return relation;
    }

    /** True for kinds whose target has a compiler-private calling convention. */
    public boolean isOptimisationClone() {
        return this == CONSTPROP || this == ISRA || this == PART || this == OTHER;
    }

    static CloneKind ofField(String field) {
        return BY_FIELD.getOrDefault(field, OTHER);
    }
}
