package dev.kelp.build;

import dev.kelp.arch.Arch;
import dev.kelp.arch.RecordCType;
import dev.kelp.arch.registry.Machines;
import dev.kelp.module.RecordSizeProbe;
import dev.kelp.target.Target;
import dev.kelp.util.KelpException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code kelp build} wired with kelp's own stages: {@code kelp diff} per unit
 * ({@link KelpUnitDiffer}), the {@code kelp convert} engine after the link
 * ({@link KlpModuleConverter}), and the target architecture's record types for the size probe.
 */
public final class KelpBuild {
    private KelpBuild() {
    }

    /** Runs the whole pipeline for {@code req}; writes the JSON report to {@code reportFile} unless null. */
    public static BuildReport run(BuildPipeline.Request req, Consumer<String> progress, Path reportFile) {
        if (reportFile != null) {
            List<Path> inputs = new java.util.ArrayList<>(req.patches());
            inputs.add(req.out());
            OutputFiles.checkNotAnInput(reportFile, "the report", inputs);
            OutputFiles.checkWritable(reportFile, "the report");
            OutputFiles.removeStale(reportFile);
        }
        try {
            return runChecked(req, progress, reportFile);
        } catch (RuntimeException e) {
            // the report is written once the diffs are known: after a later error (exit 1) it would
            // describe a module that was never written, so only exit 2 and 3 keep it
            boolean keepsReport = e instanceof KelpException k && k.exitCode() != KelpException.ERROR;
            if (reportFile != null && !keepsReport) {
                OutputFiles.removeStale(reportFile);
            }
            throw e;
        }
    }

    private static BuildReport runChecked(BuildPipeline.Request req, Consumer<String> progress, Path reportFile) {
        Target target = Target.discover(req.kernel(), req.source());
        Arch arch = Machines.forKernelConfig(target.config()::isSet).arch();
        List<RecordSizeProbe.Question> questions = arch.recordTypes().stream().map(KelpBuild::question).toList();
        preload(target.release());
        BuildPipeline pipeline = new BuildPipeline(new KelpUnitDiffer(target.release(), TargetSymbols::of),
                new KlpModuleConverter(TargetSymbols::of), questions, progress);
        return pipeline.run(new BuildPipeline.Request(req.patches(), req.name(), req.out(), Optional.of(target.release()),
                req.source(), req.cacheRoot(), req.jobs(), req.replace(), req.keepWork(), req.verbose()),
                r -> {
                    if (reportFile != null) {
                        BuildPipeline.writeReport(r, reportFile);
                    }
                });
    }

    private static RecordSizeProbe.Question question(RecordCType t) {
        return new RecordSizeProbe.Question(t.section(), t.cType(), t.header(), t.configOption());
    }

    /**
     * Starts loading the target's symbol database while the units build (it reads every module of
     * the release); a failure here is reported again, properly, when the database is first used.
     */
    private static void preload(String release) {
        Thread t = new Thread(() -> {
            try {
                TargetSymbols.of(release);
            } catch (RuntimeException e) {
                // reported by the stage that needs the database
            }
        }, "kelp-symbols");
        t.setDaemon(true);
        t.start();
    }
}
