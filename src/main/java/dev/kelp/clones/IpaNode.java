package dev.kelp.clones;

/**
 * One call-graph node as GCC's ipa-clones dump names it. {@code order} is GCC's symbol-table
 * number: unique inside one translation unit, meaningless across units and builds, so a node is
 * only ever compared with nodes of the same dump. The location is the declaration's, which may
 * be a header.
 */
record IpaNode(String name, int order, String file, int line, int column) {

    /** {@code name/order}, the way GCC's own dumps and kgraft-analysis-tool print a node. */
    public String label() {
        return name + "/" + order;
    }

    public String location() {
        return file + ":" + line + ":" + column;
    }
}
