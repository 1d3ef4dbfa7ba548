package dev.kelp.cli;

import dev.kelp.clones.ClonesAnalysis;
import dev.kelp.clones.ClonesReport;
import dev.kelp.clones.HunkMapper;
import dev.kelp.clones.IpaClonesParser;
import dev.kelp.clones.IpaDump;
import dev.kelp.build.TargetSymbols;
import dev.kelp.tree.TreeCache;
import dev.kelp.clones.PatchMapping;
import dev.kelp.clones.PatchRoutes;
import dev.kelp.clones.StartFunction;
import dev.kelp.clones.SymbolTables;
import dev.kelp.csource.UnifiedDiff;
import dev.kelp.util.KelpException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kelp clones}: which functions a change really reaches, from the source route's point of view. */
@Command(name = "clones", mixinStandardHelpOptions = true,
        description = {"Lists the functions a patch (or a list of functions) forces to be patched: the changed"
                + " functions and every function they were inlined into or cloned as, from GCC's"
                + " -fdump-ipa-clones dumps, grouped by target object, each with the chain that brought it in."})
public final class ClonesCommand implements Callable<Integer> {

    static final class Input {
        @Option(names = "--patch", paramLabel = "FILE",
                description = "Unified diff of the fix. Without --dump/--symbols the affected units of the target"
                        + " kernel are compiled with -fdump-ipa-clones in kelp build's prepared tree.")
        Path patch;

        @Option(names = "--functions", paramLabel = "F1,F2", split = ",",
                description = "Changed functions, instead of a patch.")
        List<String> functions;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--source", paramLabel = "DIR|TARBALL",
            description = "The unpatched kernel source: as kelp build (default: /usr/src/linux-source-*.tar.xz); with"
                    + " --dump/--symbols, a source tree read in place.")
    Path source;

    @Option(names = "--kernel", paramLabel = "RELEASE",
            description = "Target release (default: the newest with linux-headers and linux-image installed).")
    String kernel;

    @Option(names = "--cache", paramLabel = "DIR", description = "Build cache (default: $KELP_CACHE, else ~/.cache/kelp).")
    Path cache;

    @Option(names = "--jobs", paramLabel = "N", description = "Parallel compiler jobs (default: the number of CPUs).")
    int jobs = Runtime.getRuntime().availableProcessors();

    @Option(names = "--compare",
            description = "Also run the binary route (kelp build's diff stage) on the same patch and say, per function,"
                    + " whether both routes agree and why not when the reason is known.")
    boolean compare;

    @Option(names = "--rows", paramLabel = "FILE.tsv",
            description = "With --compare: also write the comparison as tab-separated rows (object, function, source"
                    + " route, binary route, verdict, reason), for scripts/compare-routes.")
    Path rows;

    @Option(names = "--keep-work", description = "Keep the run's work tree (objects and dumps).")
    boolean keepWork;

    @Option(names = {"-v", "--verbose"}, description = "Show the commands run.")
    boolean verbose;

    @Option(names = "--dump", paramLabel = "[OBJECT=]FILE",
            description = "An existing <unit>.000i.ipa-clones dump, optionally with its target object (default: --object).")
    List<String> dumps = new ArrayList<>();

    @Option(names = "--symbols", paramLabel = "[OBJECT=]FILE",
            description = "System.map or ELF object giving the target's function symbols (default object: --object).")
    List<String> symbols = new ArrayList<>();

    @Option(names = "--object", paramLabel = "NAME", defaultValue = "vmlinux",
            description = "Target object for dumps and symbols given without one (default: ${DEFAULT-VALUE}).")
    String object;

    @Option(names = "--unit", paramLabel = "FILE",
            description = "Extra .c unit (relative to --source) searched for users of a changed header.")
    List<String> units = new ArrayList<>();

    @Option(names = "--include-dir", paramLabel = "DIR",
            description = "Include directory relative to --source for following #include (default: include, include/uapi;"
                    + " directories of changed arch headers are added).")
    List<String> includeDirs = new ArrayList<>();

    @Override
    public Integer call() {
        if (jobs < 1) {
            throw new KelpException("--jobs must be at least 1, got " + jobs);
        }
        boolean offline = !dumps.isEmpty() || !symbols.isEmpty();
        if (compare && (input.patch == null || offline)) {
            throw new KelpException("--compare needs --patch without --dump/--symbols: it builds the patch on the target");
        }
        if (rows != null && !compare) {
            throw new KelpException("--rows needs --compare");
        }
        if (input.patch != null && !offline) {
            return onTarget();
        }
        List<StartFunction> starts = new ArrayList<>();
        if (input.patch != null) {
            if (source == null) {
                throw new KelpException("--patch with --dump/--symbols needs --source DIR, the unpatched tree the patch applies to");
            }
            if (!Files.isDirectory(source)) {
                throw new KelpException(source + ": --source is not a directory");
            }
            String text = read(input.patch);
            UnifiedDiff diff = UnifiedDiff.parse(input.patch.toString(), text);
            PatchMapping pm = new HunkMapper(source, includeDirs(diff), units).map(input.patch.toString(), diff);
            System.out.print(ClonesReport.stepA(pm));
            starts.addAll(pm.starts());
        } else {
            for (String f : input.functions) {
                if (!f.isBlank()) {
                    starts.add(new StartFunction(f.strip(), null, "given"));
                }
            }
        }
        List<IpaDump> parsed = new ArrayList<>();
        for (String d : dumps) {
            String[] od = objectAndFile(d);
            parsed.add(IpaClonesParser.parse(Path.of(od[1]), od[0]));
        }
        SymbolTables tables = new SymbolTables();
        for (String s : symbols) {
            String[] of = objectAndFile(s);
            tables.add(of[0], Path.of(of[1]));
        }
        System.out.print(ClonesReport.stepB(ClonesAnalysis.run(starts, ClonesAnalysis.nameUnits(parsed, starts), tables,
                object)));
        return 0;
    }

    private int onTarget() {
        PatchRoutes.Outcome o = PatchRoutes.run(new PatchRoutes.Request(input.patch, Optional.ofNullable(kernel),
                Optional.ofNullable(source), cache != null ? cache : TreeCache.defaultRoot(), jobs, compare, units,
                keepWork, verbose), line -> System.err.println("kelp: " + line),
                TargetSymbols::of);
        System.out.print(ClonesReport.target(o));
        if (rows != null) {
            try {
                Files.writeString(rows, ClonesReport.comparisonTsv(o), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new KelpException(rows + ": cannot write the rows: " + e.getMessage(), e);
            }
        }
        return 0;
    }

    private List<String> includeDirs(UnifiedDiff diff) {
        if (includeDirs.isEmpty()) {
            return PatchRoutes.includeDirs(diff);
        }
        List<String> dirs = new ArrayList<>(includeDirs);
        PatchRoutes.includeDirs(diff).stream().filter(d -> d.startsWith("arch/") && !dirs.contains(d)).forEach(dirs::add);
        return dirs;
    }

    /** "OBJ=path" or "path" (then the default object). */
    private String[] objectAndFile(String arg) {
        int eq = arg.indexOf('=');
        if (eq > 0 && !Files.exists(Path.of(arg))) {
            return new String[] {arg.substring(0, eq), arg.substring(eq + 1)};
        }
        return new String[] {object, arg};
    }

    /** Patches are read byte for byte (ISO-8859-1), like the source files they are matched against. */
    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.ISO_8859_1);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new KelpException(p + ": no such patch file");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
