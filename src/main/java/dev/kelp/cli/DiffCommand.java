package dev.kelp.cli;

import dev.kelp.diff.DiffOptions;
import dev.kelp.diff.DiffReport;
import dev.kelp.diff.DiffResult;
import dev.kelp.diff.Differ;
import dev.kelp.diff.Problem;
import dev.kelp.diff.StructSizes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kelp diff}: the binary differ (changed and new functions into a new object). */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Compares an object built before and after a patch (both with -ffunction-sections",
            "-fdata-sections) and writes the changed and new functions, with what they need, to OUT.o.",
            "Exit 0: changed (OUT.o written); 3: no functional change; 2: unsupported change; 1: error."})
public final class DiffCommand implements Callable<Integer> {
    @Option(names = "--struct-sizes", paramLabel = "K=N,...",
            description = "Record sizes of the special sections for the kernel that built the objects"
                    + " (bug, ex, alt, jump, orc, static_call, printk_index, para), to cross-check: each size is"
                    + " read from the objects, and a given size they contradict is refused.")
    String structSizes;

    @Option(names = "--report", paramLabel = "FILE.json", description = "Write a JSON report.")
    Path report;

    @Option(names = "--object", paramLabel = "NAME",
            description = "The object the unit belongs to: vmlinux or a module name (side-band records, aliases).")
    String object;

    @Option(names = "--unit", paramLabel = "PATH", description = "Unit name for side-band records (source path).")
    String unit;

    @Parameters(index = "0", paramLabel = "ORIG.o")
    Path orig;

    @Parameters(index = "1", paramLabel = "PATCHED.o")
    Path patched;

    @Parameters(index = "2", paramLabel = "OUT.o")
    Path out;

    @Override
    public Integer call() {
        DiffOptions opts = new DiffOptions(StructSizes.parse(structSizes), object, unit);
        DiffResult r = new Differ(opts).diff(orig, patched);
        for (String c : r.changed()) {
            System.out.println("changed function: " + c);
        }
        for (String n : r.added()) {
            System.out.println("new function: " + n);
        }
        for (Problem p : r.problems()) {
            System.err.println(p.line());
        }
        String written = null;
        if (r.outcome() == DiffResult.Outcome.CHANGED) {
            r.output().write(out);
            written = out.toString();
        } else {
            deleteStale();
        }
        if (report != null) {
            DiffReport.write(report, DiffReport.toJson(r, orig.toString(), patched.toString(), written));
        }
        if (r.outcome() == DiffResult.Outcome.NO_CHANGE) {
            System.err.println("kelp: no functional change between " + orig + " and " + patched);
        } else if (r.outcome() == DiffResult.Outcome.UNSUPPORTED) {
            System.err.println("kelp: " + r.problems().size() + " unsupported change(s); nothing written");
        }
        System.out.flush();
        return r.outcome().exitCode();
    }

    /** An old OUT.o from an earlier run must not pass for this run's result. */
    private void deleteStale() {
        try {
            Files.deleteIfExists(out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
