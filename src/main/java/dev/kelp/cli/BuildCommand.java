package dev.kelp.cli;

import dev.kelp.build.BuildPipeline;
import dev.kelp.build.BuildReport;
import dev.kelp.build.KelpBuild;
import dev.kelp.tree.TreeCache;
import dev.kelp.util.KelpException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kelp build}: turns kernel fixes into a livepatch module for an installed Debian kernel. */
@Command(name = "build", mixinStandardHelpOptions = true,
        description = "Builds a livepatch module from kernel fixes: prepares the target's source tree (cached),"
            + " builds the units the fixes affect before and after them, compares the two builds, generates the"
            + " module and links it against the target's headers, and turns its references into klp relocations."
            + " The user's source tree is never changed.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:built", "1:error (no module written)", "2:unsupported change, every problem listed (no module written)",
            "3:no functional change (no module written)"})
final class BuildCommand implements Callable<Integer> {
    @Option(names = "--patch", required = true, paramLabel = "FILE", description = "a fix (unified diff, -p1); repeatable, applied in order")
    List<Path> patches = new ArrayList<>();

    @Option(names = "--name", paramLabel = "NAME", description = "module name (default: livepatch_ + the first patch's name)")
    String name;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.ko", description = "where to write the module (default: NAME.ko); a file already there is removed first, so a failed build leaves none")
    Path output;

    @Option(names = "--kernel", paramLabel = "RELEASE",
            description = "target release (default: the newest with linux-headers and linux-image installed)")
    String kernel;

    @Option(names = "--source", paramLabel = "DIR|TARBALL", description = "kernel source (default: /usr/src/linux-source-*.tar.xz)")
    Path source;

    @Option(names = "--cache", paramLabel = "DIR", description = "build cache (default: $KELP_CACHE, else ~/.cache/kelp)")
    Path cache;

    @Option(names = "--jobs", paramLabel = "N", description = "parallel compiler jobs (default: the number of CPUs)")
    int jobs = Runtime.getRuntime().availableProcessors();

    @Option(names = "--no-replace", description = "do not set klp_patch.replace (keep earlier livepatches active)")
    boolean noReplace;

    @Option(names = "--keep-work", description = "keep the run's patched tree and intermediate files (their directory is printed)")
    boolean keepWork;

    @Option(names = "--report", paramLabel = "FILE.json", description = "write the full report as JSON (also on exit 2 and 3; none on exit 1)")
    Path report;

    @Option(names = {"-v", "--verbose"}, description = "show the commands run")
    boolean verbose;

    @Override
    public Integer call() {
        for (Path p : patches) {
            if (Files.isDirectory(p)) {
                throw new KelpException(p + ": is a directory; --patch takes a patch file");
            }
            if (!Files.isRegularFile(p)) {
                throw new KelpException(p + ": no such patch file");
            }
        }
        if (kernel != null && kernel.isBlank()) {
            throw new KelpException("--kernel needs a release, e.g. the name of a directory in /lib/modules");
        }
        if (jobs < 1) {
            throw new KelpException("--jobs must be at least 1, got " + jobs);
        }
        String module = name != null ? name : defaultName(patches.get(0));
        Path out = output != null ? output : Path.of(module + ".ko");
        BuildPipeline.Request req = new BuildPipeline.Request(List.copyOf(patches), module, out, Optional.ofNullable(kernel),
                Optional.ofNullable(source), cache != null ? cache : TreeCache.defaultRoot(), jobs, !noReplace, keepWork, verbose);
        BuildReport r = KelpBuild.run(req, line -> System.err.println("kelp: " + line), report);
        r.summaryLines().forEach(l -> System.err.println("kelp:   " + l));
        return 0;
    }

    /** {@code livepatch_} and the patch's file name without extension, as a module name. */
    static String defaultName(Path patch) {
        String base = patch.getFileName().toString().replaceFirst("\\.(patch|diff)$", "");
        String n = "livepatch_" + base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return n.length() > 55 ? n.substring(0, 55) : n;
    }
}
