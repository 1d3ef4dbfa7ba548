package dev.kelp.build;

import dev.kelp.tree.KbuildUnits;
import dev.kelp.tree.PreparedTree;
import dev.kelp.tree.WorkTree;
import dev.kelp.util.KelpException;
import dev.kelp.util.Proc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Builds each affected unit twice, with {@link Kbuild#KCFLAGS}: ORIGINAL in the cache's shared
 * build dir (under its lock; kbuild's own dependency tracking makes a unit built by an earlier
 * run free), and PATCHED in the run's private tree. The two makes run side by side, each with
 * all the jobs: on a warm cache the original make has nothing to do, and halving would leave the
 * patched units one core short; on a cold one the two share the cores. Both objects are copied into the run's output directory, so that a later
 * run rebuilding the shared dir cannot change what this run compares.
 */
final class UnitBuilder {

    /**
     * The two builds of one unit.
     *
     * @param unit     the unit
     * @param original the object compiled from the pristine source
     * @param patched  the object compiled from the patched source
     */
    public record UnitPair(KbuildUnits.Unit unit, Path original, Path patched) {
    }

    private UnitBuilder() {
    }

    /** Builds {@code units} original and patched; objects go to {@code out/original} and {@code out/patched}. */
    public static List<UnitPair> build(WorkTree work, List<KbuildUnits.Unit> units, int jobs, Path out) {
        PreparedTree tree = work.tree();
        List<String> objects = units.stream().map(KbuildUnits.Unit::object).toList();
        CompletableFuture<Void> original = CompletableFuture.runAsync(() -> tree.locked(() -> {
            Proc.Result r = tree.kbuild().makeObjects(tree.objDir(), jobs, objects).run();
            if (!r.ok()) {
                throw new KelpException("building the original units failed in " + tree.objDir() + " (the cache may be"
                        + " damaged: delete " + tree.root() + " and retry):\n" + compilerErrors(r));
            }
            copy(tree.objDir(), objects, out.resolve("original"));
            return null;
        }));
        CompletableFuture<Void> patched = CompletableFuture.runAsync(() -> {
            Proc.Result r = tree.kbuild().makeObjects(work.objDir(), jobs, objects).run();
            if (!r.ok()) {
                throw new KelpException(failingSources(r, units) + ": the patched source does not compile:\n" + compilerErrors(r));
            }
            copy(work.objDir(), objects, out.resolve("patched"));
        });
        try {
            CompletableFuture.allOf(original, patched).join();
        } catch (CompletionException e) {
            // report the patched build's error first: it is the one the user can fix
            rethrow(patched);
            rethrow(original);
            throw e;
        }
        List<UnitPair> pairs = new ArrayList<>();
        for (KbuildUnits.Unit u : units) {
            pairs.add(new UnitPair(u, out.resolve("original").resolve(u.object()), out.resolve("patched").resolve(u.object())));
        }
        return pairs;
    }

    private static void rethrow(CompletableFuture<Void> f) {
        if (f.isCompletedExceptionally()) {
            try {
                f.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw e;
            }
        }
    }

    private static void copy(Path objDir, List<String> objects, Path dest) {
        try {
            for (String o : objects) {
                Path from = objDir.resolve(o);
                if (!Files.isRegularFile(from)) {
                    throw new KelpException("kbuild did not produce " + from + ": is " + o + " built by this kernel's config?");
                }
                Path to = dest.resolve(o);
                Files.createDirectories(to.getParent());
                Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final java.util.regex.Pattern ERROR_AT = java.util.regex.Pattern.compile("^(?:\\.\\./)?(\\S+?):\\d+(?::\\d+)?: (?:fatal )?error: ");

    /**
     * The files the compiler's errors point at (a header, maybe), else the units being built:
     * what the user has to look at, on the message's first line.
     */
    static String failingSources(Proc.Result r, List<KbuildUnits.Unit> units) {
        java.util.Set<String> files = new java.util.LinkedHashSet<>();
        for (String line : (r.stderr() + "\n" + r.stdout()).split("\n")) {
            java.util.regex.Matcher m = ERROR_AT.matcher(line);
            if (m.find()) {
                files.add(m.group(1));
            }
        }
        if (files.isEmpty()) {
            units.forEach(u -> files.add(u.source()));
        }
        return String.join(", ", files);
    }

    /** The compiler's messages (paths relative to the kernel tree), without make's own noise. */
    static String compilerErrors(Proc.Result r) {
        List<String> keep = new ArrayList<>();
        for (String line : (r.stderr() + "\n" + r.stdout()).split("\n")) {
            if (line.startsWith("make") || line.isBlank()) {
                continue;
            }
            if (line.contains("error:") || line.contains("warning:") || line.contains("In function")
                    || line.matches("^\\S+:\\d+:\\d+: .*")) {
                keep.add(line.startsWith("../") ? line.substring(3) : line);
            }
        }
        if (keep.isEmpty()) {
            return r.tail(20);
        }
        return String.join("\n", keep.subList(Math.max(0, keep.size() - 25), keep.size()));
    }
}
