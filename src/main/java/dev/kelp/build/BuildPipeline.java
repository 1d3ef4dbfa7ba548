package dev.kelp.build;

import dev.kelp.module.KernelHeaders;
import dev.kelp.module.LivepatchModel;
import dev.kelp.module.ModuleLinker;
import dev.kelp.module.RecordSizeProbe;
import dev.kelp.target.Target;
import dev.kelp.tree.KbuildUnits;
import dev.kelp.tree.PreparedTree;
import dev.kelp.tree.TreeCache;
import dev.kelp.tree.WorkTree;
import dev.kelp.util.KelpException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code kelp build}, stage by stage: target and tree, affected units, two builds per unit, diff,
 * glue and link, conversion, checks and report. Each stage prints one progress line with its
 * elapsed time. The differ, the converter and the architecture's special-section table are
 * given by the caller (the CLI wires them).
 */
public final class BuildPipeline {

    /**
     * What to build.
     *
     * @param patches   the patches, applied in order
     * @param name      the livepatch module's name
     * @param out       the .ko to write
     * @param kernel    the release (empty: the newest installed)
     * @param source    tarball or directory (empty: Debian's linux-source tarball)
     * @param cacheRoot the build cache
     * @param jobs      parallel jobs
     * @param replace   atomic replace
     * @param keepWork  keep the run's work tree
     * @param verbose   show commands
     */
    public record Request(List<Path> patches, String name, Path out, Optional<String> kernel, Optional<Path> source,
            Path cacheRoot, int jobs, boolean replace, boolean keepWork, boolean verbose) {
    }

    private final UnitDiffer differ;
    private final ConversionStep converter;
    private final List<RecordSizeProbe.Question> recordSizeQuestions;
    private final Consumer<String> progress;

    public BuildPipeline(UnitDiffer differ, ConversionStep converter, List<RecordSizeProbe.Question> recordSizeQuestions,
            Consumer<String> progress) {
        this.differ = differ;
        this.converter = converter;
        this.recordSizeQuestions = List.copyOf(recordSizeQuestions);
        this.progress = progress;
    }

    /** Runs every stage; returns the report (also for exit 3/2, which are thrown after reporting). */
    public BuildReport run(Request req) {
        return run(req, r -> { });
    }

    /**
     * A unit the differ refuses after diffing (a changed function the kernel's symbols cannot
     * place, two callbacks of one kind) is one more problem, not the end of the run: exit 2 lists
     * every unit's problems, and the report covers every unit.
     */
    private UnitDiffer.UnitDiff diffOrRefusal(UnitBuilder.UnitPair p, String object, Map<String, Integer> sizes, Path dir) {
        try {
            return differ.diff(p, object, sizes, dir);
        } catch (KelpException e) {
            if (e.exitCode() != KelpException.UNSUPPORTED) {
                throw e;
            }
            return new UnitDiffer.UnitDiff(p, object, UnitDiffer.Kind.UNSUPPORTED, Optional.empty(), List.of(), List.of(),
                    LivepatchModel.Callbacks.NONE, List.of(e.getMessage()), List.of());
        }
    }

    /**
     * Runs every stage; {@code reportSink} gets the report as soon as the diffs are known, also
     * when the build then stops with exit 3 (no change) or 2 (unsupported).
     */
    public BuildReport run(Request req, Consumer<BuildReport> reportSink) {
        long t = System.nanoTime();
        // what the user gave is checked before minutes of tree preparation
        List<PatchFile> patches = req.patches().stream().map(PatchFile::read).toList();
        LivepatchModel.checkName(req.name());
        OutputFiles.checkNotAnInput(req.out(), "the module", req.patches());
        OutputFiles.checkWritable(req.out(), "the module");
        OutputFiles.removeStale(req.out());
        OutputFiles.checkCacheDir(req.cacheRoot());
        Target target = Target.discover(req.kernel(), req.source());
        PreparedTree tree = new TreeCache(req.cacheRoot(), progress).prepare(target, req.verbose());
        t = stage("kernel tree " + target.release() + " ready in " + tree.srcDir(), t);

        AffectedUnits.Result affected;
        try {
            affected = AffectedUnits.compute(tree, patches);
        } catch (AffectedUnits.Stopped e) {
            reportSink.accept(BuildReport.stopped(target, e));
            throw e;
        }
        SourceTouches touches = SourceTouches.of(tree.srcDir(), req.patches());
        t = stage("affected units: " + describe(affected), t);

        List<UnitDiffer.UnitDiff> diffs = new ArrayList<>();
        try (WorkTree work = WorkTree.create(tree, req.keepWork())) {
            if (req.keepWork()) {
                progress.accept("keeping this run's tree and intermediate files in " + work.dir());
            }
            work.apply(req.patches());
            List<UnitBuilder.UnitPair> pairs = UnitBuilder.build(work,
                    affected.units().stream().map(AffectedUnits.Affected::unit).toList(), req.jobs(), work.dir().resolve("objects"));
            t = stage("built " + pairs.size() + " unit(s) original and patched", t);

            KernelHeaders headers = new KernelHeaders(target.headersDir(), target.compiler(), target.vermagic(), target.symvers());
            Map<String, Integer> sizes = RecordSizeProbe.probe(headers, recordSizeQuestions, work.dir().resolve("sizes"), req.verbose());
            for (UnitBuilder.UnitPair p : pairs) {
                for (String object : objectsOf(p.unit())) {
                    diffs.add(diffOrRefusal(p, object, sizes, work.dir().resolve("diff")));
                }
            }
            t = stage("compared " + pairs.size() + " unit(s): " + count(diffs, UnitDiffer.Kind.CHANGED) + " changed, "
                    + count(diffs, UnitDiffer.Kind.UNSUPPORTED) + " unsupported, " + count(diffs, UnitDiffer.Kind.NO_CHANGE)
                    + " unchanged", t);
            BuildReport report = BuildReport.of(target, affected, diffs, touches);
            reportSink.accept(report);
            List<String> problems = diffs.stream().flatMap(d -> d.problems().stream()).distinct().toList();
            if (!problems.isEmpty()) {
                throw new KelpException("cannot live patch this change: " + String.join("; ", problems), KelpException.UNSUPPORTED, null);
            }
            if (count(diffs, UnitDiffer.Kind.CHANGED) == 0) {
                List<String> sources = pairs.stream().map(p -> p.unit().source()).toList();
                throw new KelpException(String.join(", ", sources.stream().limit(4).toList())
                        + (sources.size() > 4 ? " and " + (sources.size() - 4) + " more units" : "") + ": no functional change"
                        + (sources.size() == 1 ? " (the patched source compiles to the same code)"
                                : " (the patched sources compile to the same code)") + "; no module written",
                        KelpException.NO_CHANGE, null);
            }
            LivepatchModel model;
            try {
                checkLocalizedUnused(diffs);
                model = model(req, diffs);
            } catch (KelpException e) {
                // refused across units after the report said "built": it must say what the exit code says
                if (e.exitCode() == KelpException.UNSUPPORTED) {
                    reportSink.accept(report.withOutcome(BuildReport.UNSUPPORTED));
                }
                throw e;
            }
            List<Path> objects = diffs.stream().flatMap(d -> d.patchObject().stream()).toList();
            ModuleLinker.LinkedModule linked = ModuleLinker.link(headers, model, objects, work.dir().resolve("module"), req.verbose());
            t = stage("linked " + linked.ko().getFileName() + " against " + target.headersDir(), t);
            // the module reaches -o only once every check passed: a failed build leaves no .ko that looks complete
            Path done = converter.convert(linked, target, work.dir().resolve("final").resolve(req.out().getFileName()));
            List<String> unresolved = ModuleLinker.unresolved(done, target.symvers());
            if (!unresolved.isEmpty()) {
                throw new KelpException(req.out() + " not written: undefined symbols neither exported by " + target.release()
                        + " nor klp symbols: " + String.join(", ", unresolved) + "; is the patch for this kernel?");
            }
            String vermagic = ModuleLinker.vermagic(done);
            if (!vermagic.equals(target.vermagic().strip())) {
                throw new KelpException(req.out() + " not written: its vermagic '" + vermagic + "' is not the kernel's '"
                        + target.vermagic().strip() + "' (linked against " + target.headersDir() + ")");
            }
            OutputFiles.install(done, req.out());
            stage("wrote " + req.out(), t);
            return report;
        }
    }

    private LivepatchModel model(Request req, List<UnitDiffer.UnitDiff> diffs) {
        Map<String, List<LivepatchModel.PatchedFunction>> funcs = new LinkedHashMap<>();
        Map<String, LivepatchModel.Callbacks> callbacks = new LinkedHashMap<>();
        funcs.put(LivepatchModel.VMLINUX, new ArrayList<>());
        for (UnitDiffer.UnitDiff d : diffs) {
            if (d.kind() != UnitDiffer.Kind.CHANGED) {
                continue;
            }
            String object = d.object();
            List<LivepatchModel.PatchedFunction> list = funcs.computeIfAbsent(object, k -> new ArrayList<>());
            for (UnitDiffer.ChangedFunction f : d.functions()) {
                if (f.replaces()) {
                    list.add(new LivepatchModel.PatchedFunction(f.name(), f.sympos(), f.newSymbol()));
                }
            }
            if (!d.callbacks().isEmpty()) {
                callbacks.merge(object, d.callbacks(), (a, b) -> mergeCallbacks(object, a, b));
            }
        }
        List<LivepatchModel.TargetObject> objects = new ArrayList<>();
        for (var e : funcs.entrySet()) {
            LivepatchModel.Callbacks cb = callbacks.getOrDefault(e.getKey(), LivepatchModel.Callbacks.NONE);
            if (!e.getValue().isEmpty() || !cb.isEmpty()) {
                objects.add(new LivepatchModel.TargetObject(e.getKey(), e.getValue(), cb));
            }
        }
        return new LivepatchModel(req.name(), req.replace(), objects);
    }

    /**
     * The new globals of a unit linked into several modules are local to each copy (see
     * {@link UnitDiffer.UnitDiff#localized()}); another unit of the patch that refers to one by
     * name could not be linked against the right copy.
     */
    static void checkLocalizedUnused(List<UnitDiffer.UnitDiff> diffs) {
        Map<String, UnitDiffer.UnitDiff> localized = new LinkedHashMap<>();
        for (UnitDiffer.UnitDiff d : diffs) {
            d.localized().forEach(n -> localized.putIfAbsent(n, d));
        }
        if (localized.isEmpty()) {
            return;
        }
        List<String> problems = new ArrayList<>();
        for (UnitDiffer.UnitDiff d : diffs) {
            if (d.patchObject().isEmpty()) {
                continue;
            }
            for (dev.kelp.elf.Symbol s : dev.kelp.elf.ElfFile.read(d.patchObject().get()).symbols()) {
                UnitDiffer.UnitDiff def = s.isUndefined() ? localized.get(s.name()) : null;
                if (def != null && !def.pair().unit().equals(d.pair().unit())) {
                    problems.add(d.pair().unit().source() + " uses " + s.name() + ", new in " + def.pair().unit().source()
                            + ", which is linked into several modules (" + def.pair().unit().finalObject()
                            + "): each module gets its own copy; define it in " + d.pair().unit().source() + " or make it static");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new KelpException("cannot live patch this change: " + String.join("; ", problems), KelpException.UNSUPPORTED, null);
        }
    }

    private static List<String> objectsOf(KbuildUnits.Unit unit) {
        return unit.inVmlinux() ? List.of(LivepatchModel.VMLINUX) : unit.modules();
    }

    private static LivepatchModel.Callbacks mergeCallbacks(String object, LivepatchModel.Callbacks a, LivepatchModel.Callbacks b) {
        return new LivepatchModel.Callbacks(one(object, "pre-patch", a.prePatch(), b.prePatch()),
                one(object, "post-patch", a.postPatch(), b.postPatch()), one(object, "pre-unpatch", a.preUnpatch(), b.preUnpatch()),
                one(object, "post-unpatch", a.postUnpatch(), b.postUnpatch()));
    }

    private static Optional<String> one(String object, String kind, Optional<String> a, Optional<String> b) {
        if (a.isPresent() && b.isPresent()) {
            throw new KelpException(object + " has two " + kind + " callbacks (" + a.get() + ", " + b.get()
                    + "): livepatch allows one of each kind per object; merge them into one function", KelpException.UNSUPPORTED, null);
        }
        return a.isPresent() ? a : b;
    }

    private static long count(List<UnitDiffer.UnitDiff> diffs, UnitDiffer.Kind kind) {
        // a unit diffed once per module counts once
        return diffs.stream().filter(d -> d.kind() == kind).map(d -> d.pair().unit()).distinct().count();
    }

    private static String describe(AffectedUnits.Result r) {
        StringBuilder sb = new StringBuilder(r.summary());
        List<String> direct = r.units().stream().filter(a -> a.reason().equals("patched"))
                .map(a -> a.unit().source() + " → " + a.unit().finalObject()).toList();
        if (!direct.isEmpty()) {
            sb.append(": ").append(String.join(", ", direct));
        }
        if (!r.skipped().isEmpty()) {
            List<String> left = r.skipped().stream().map(a -> a.unit().source()).toList();
            sb.append("; left out, cannot be live patched: ").append(String.join(", ", left.stream().limit(4).toList()))
                    .append(left.size() > 4 ? ", … (" + left.size() + ")" : "");
        }
        return sb.toString();
    }

    private long stage(String line, long since) {
        long now = System.nanoTime();
        progress.accept(String.format("%-70s %6.1f s", line, (now - since) / 1e9));
        return now;
    }

    /** Writes the report as JSON. */
    public static void writeReport(BuildReport report, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            new com.fasterxml.jackson.databind.ObjectMapper().findAndRegisterModules().writerWithDefaultPrettyPrinter()
                    .writeValue(file.toFile(), report);
        } catch (java.io.IOException e) {
            throw new KelpException(file + ": cannot write the report: " + e.getMessage(), e);
        }
    }
}
