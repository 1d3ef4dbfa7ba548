package dev.kelp.clones;

import dev.kelp.csource.UnifiedDiff;
import dev.kelp.arch.Arch;
import dev.kelp.arch.registry.Machines;
import dev.kelp.build.AffectedUnits;
import dev.kelp.tree.KbuildUnits;
import dev.kelp.build.PatchFile;
import dev.kelp.tree.PreparedTree;
import dev.kelp.target.Target;
import dev.kelp.tree.TreeCache;
import dev.kelp.tree.WorkTree;
import dev.kelp.diff.StructSizes;
import dev.kelp.module.KernelHeaders;
import dev.kelp.module.RecordSizeProbe;
import dev.kelp.symbols.KernelSymbols;
import dev.kelp.util.KelpException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@code kelp clones --patch} on the real target: {@code kelp build}'s prepared tree (cached) and
 * affected units, step (a) on the pristine source, the affected units compiled from the original
 * source with {@code -fdump-ipa-clones} for step (b), and with {@code --compare} the same units
 * compiled again from the patched source and diffed (the binary route). Everything is compiled in
 * one private work tree (patched after the original build): the user's tree and the cache's
 * shared build dir are never touched.
 */
public final class PatchRoutes {

    /**
     * @param patch      the fix (unified diff, -p1)
     * @param kernel     the release (empty: the newest installed, as kelp build)
     * @param source     kernel source tarball or directory (empty: Debian's linux-source tarball)
     * @param cacheRoot  kelp build's cache
     * @param jobs       parallel compiler jobs
     * @param compare    also run the binary route and compare
     * @param extraUnits further units searched for users of a changed header
     * @param keepWork   keep the work tree
     * @param verbose    show the commands
     */
    public record Request(Path patch, Optional<String> kernel, Optional<Path> source, Path cacheRoot, int jobs,
            boolean compare, List<String> extraUnits, boolean keepWork, boolean verbose) {
    }

    /**
     * @param release  the target release
     * @param mapping  step (a)
     * @param units    the compiled units: "source → target object" (and why, for includers)
     * @param source   step (b)
     * @param binary   the binary route (with --compare)
     * @param rows     the comparison (with --compare)
     */
    public record Outcome(String release, PatchMapping mapping, List<String> units, ClonesAnalysis.Result source,
            Optional<BinaryRoute> binary, List<RouteComparison.Row> rows) {
    }

    private PatchRoutes() {
    }

    /** Runs the source route (and the binary route with {@code compare}); {@code symbols} loads a release's database. */
    public static Outcome run(Request req, Consumer<String> progress, Function<String, KernelSymbols> symbols) {
        if (!Files.isRegularFile(req.patch())) {
            throw new KelpException(req.patch() + ": no such patch file");
        }
        Target target = Target.discover(req.kernel(), req.source());
        CompletableFuture<KernelSymbols> db = CompletableFuture.supplyAsync(() -> symbols.apply(target.release()));
        PreparedTree tree = new TreeCache(req.cacheRoot(), progress).prepare(target, req.verbose());
        AffectedUnits.Result affected = AffectedUnits.compute(tree, List.of(PatchFile.read(req.patch())));
        Map<String, KbuildUnits.Unit> bySource = new LinkedHashMap<>();
        List<String> unitLines = new ArrayList<>();
        for (AffectedUnits.Affected a : affected.units()) {
            bySource.put(a.unit().source(), a.unit());
            unitLines.add(a.unit().source() + " → " + a.unit().finalObject()
                    + (a.reason().equals("patched") ? "" : " (" + a.reason() + ")"));
        }
        progress.accept("affected units: " + String.join(", ", unitLines));

        UnifiedDiff diff = UnifiedDiff.parse(req.patch().toString(), read(req.patch()));
        List<String> searched = new ArrayList<>(req.extraUnits());
        bySource.keySet().stream().filter(u -> !searched.contains(u)).forEach(searched::add);
        PatchMapping mapping = new HunkMapper(tree.srcDir(), includeDirs(diff), searched).map(req.patch().toString(), diff);

        try (WorkTree work = WorkTree.create(tree, req.keepWork())) {
            Path objects = work.dir().resolve("objects");
            List<UnitCompiler.CompiledUnit> original = new KbuildUnitCompiler(work, bySource, req.jobs(),
                    objects.resolve("original")).compile(bySource.keySet(), DumpCollector.DUMP_FLAGS);
            progress.accept("compiled " + bySource.size() + " unit(s) with -fdump-ipa-clones");
            List<IpaDump> dumps = DumpCollector.dumps(original);
            ClonesAnalysis.Result result = ClonesAnalysis.run(mapping.starts(), dumps, new KernelSymbolLookup(join(db)),
                    "vmlinux");
            if (!req.compare()) {
                return new Outcome(target.release(), mapping, unitLines, result, Optional.empty(), List.of());
            }
            work.apply(List.of(req.patch()));
            List<UnitCompiler.CompiledUnit> patched = new KbuildUnitCompiler(work, bySource, req.jobs(),
                    objects.resolve("patched")).compile(bySource.keySet(), DumpCollector.DUMP_FLAGS);
            progress.accept("compiled " + bySource.size() + " unit(s) from the patched source");
            BinaryRoute binary = BinaryRoute.run(pairs(original, patched), recordSizes(target, work, req.verbose()));
            return new Outcome(target.release(), mapping, unitLines, result, Optional.of(binary),
                    RouteComparison.compare(result, mapping, binary));
        }
    }

    /** The special sections' record sizes of the target, measured on its headers as kelp build does. */
    static StructSizes recordSizes(Target target, WorkTree work, boolean verbose) {
        Arch arch = Machines.forKernelConfig(target.config()::isSet).arch();
        List<RecordSizeProbe.Question> questions = arch.recordTypes().stream()
                .map(t -> new RecordSizeProbe.Question(t.section(), t.cType(), t.header(), t.configOption())).toList();
        KernelHeaders headers = new KernelHeaders(target.headersDir(), target.compiler(), target.vermagic(), target.symvers());
        Map<String, Integer> bySection = RecordSizeProbe.probe(headers, questions, work.dir().resolve("sizes"), verbose);
        return StructSizes.ofSections(arch, bySection);
    }

    /** One entry per unit (a unit linked into several modules was compiled once). */
    static List<BinaryRoute.UnitObjects> pairs(List<UnitCompiler.CompiledUnit> original,
            List<UnitCompiler.CompiledUnit> patched) {
        Map<String, BinaryRoute.UnitObjects> out = new LinkedHashMap<>();
        for (UnitCompiler.CompiledUnit o : original) {
            UnitCompiler.CompiledUnit p = patched.stream().filter(x -> x.unit().equals(o.unit())).findFirst()
                    .orElseThrow(() -> new KelpException(o.unit() + ": not compiled from the patched source"));
            BinaryRoute.UnitObjects prev = out.get(o.unit());
            List<String> targets = new ArrayList<>(prev == null ? List.of() : prev.targetObjects());
            targets.add(o.targetObject());
            out.put(o.unit(), new BinaryRoute.UnitObjects(o.unit(), targets, o.objectFile(), p.objectFile()));
        }
        return List.copyOf(out.values());
    }

    /** Include directories for step (a): the kernel's, plus those of a changed arch header. */
    public static List<String> includeDirs(UnifiedDiff diff) {
        List<String> dirs = new ArrayList<>(List.of("include", "include/uapi"));
        for (UnifiedDiff.FileDiff fd : diff.files()) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:^|/)(arch/[^/]+/include)/").matcher(fd.path());
            if (m.find()) {
                for (String d : List.of(m.group(1), m.group(1) + "/uapi")) {
                    if (!dirs.contains(d)) {
                        dirs.add(d);
                    }
                }
            }
        }
        return dirs;
    }

    private static KernelSymbols join(CompletableFuture<KernelSymbols> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    /** Patches are read byte for byte (ISO-8859-1), like the source files they are matched against. */
    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
