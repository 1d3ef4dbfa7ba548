package dev.kelp.build;

import dev.kelp.target.Target;
import dev.kelp.tree.KbuildUnits;
import dev.kelp.tree.PreparedTree;
import dev.kelp.tree.TreeCache;
import dev.kelp.tree.WorkTree;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The figures of scripts/bench-build-prepare: cold and warm tree preparation in the cache
 * directory given as first argument, then a per-run tree with the patch given as second
 * argument, and the original + patched build of its units. Prints "name: seconds" lines.
 */
public final class PrepareBench {
    private PrepareBench() {
    }

    public static void main(String[] args) throws Exception {
        Path cache = Path.of(args[0]);
        Path patch = Path.of(args[1]);
        Target target = Target.discover(Optional.empty(), Optional.empty());
        System.out.println("target: " + target.release() + " (" + target.source() + ")");
        long t0 = System.nanoTime();
        PreparedTree tree = new TreeCache(cache, s -> { }).prepare(target, false);
        print("prepare, cold cache", t0);
        t0 = System.nanoTime();
        new TreeCache(cache, s -> { }).prepare(target, false);
        print("prepare, warm cache", t0);
        t0 = System.nanoTime();
        KbuildUnits.load(tree);
        print("unit database, cold (kbuild dry run)", t0);
        t0 = System.nanoTime();
        KbuildUnits.load(tree);
        print("unit database, warm", t0);
        for (String round : List.of("first run", "second run")) {
            t0 = System.nanoTime();
            try (WorkTree wt = WorkTree.create(tree, false)) {
                print("patched tree (" + round + ")", t0);
                t0 = System.nanoTime();
                wt.apply(List.of(patch));
                var units = AffectedUnits.compute(tree, List.of(PatchFile.read(patch))).units().stream()
                        .map(AffectedUnits.Affected::unit).toList();
                UnitBuilder.build(wt, units, Runtime.getRuntime().availableProcessors(), wt.dir().resolve("out"));
                print("apply + affected units + original/patched build of " + units.size() + " unit(s) (" + round + ")", t0);
            }
        }
    }

    private static void print(String what, long t0) {
        System.out.printf("%s: %.1f s%n", what, (System.nanoTime() - t0) / 1e9);
    }
}
