package dev.kelp.tree;

import dev.kelp.target.Target;

/**
 * The real prepared tree of the installed Debian kernel, shared by all test classes of a run
 * (preparing it takes about a minute the first time; later runs find it in the cache).
 */
public final class TestTrees {
    private static PreparedTree prepared;
    private static Target target;

    private TestTrees() {
    }

    public static synchronized Target target() {
        if (target == null) {
            target = Target.discover(java.util.Optional.empty(), java.util.Optional.empty());
        }
        return target;
    }

    public static synchronized PreparedTree prepared() {
        if (prepared == null) {
            prepared = new TreeCache(TreeCache.defaultRoot(), System.err::println).prepare(target(), false);
        }
        return prepared;
    }
}
