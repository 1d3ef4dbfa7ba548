package dev.kelp.diff;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark (not a test; scripts/bench-diff runs it): every corpus pair diffed in one JVM with
 * milliseconds per case, the total, and the peak heap of the largest case; or one object diffed
 * against itself (the scale run).
 *
 * <pre>
 *   DiffBenchmark corpus [DIR]     all cases of expected.json
 *   DiffBenchmark self FILE.o      FILE.o against itself
 * </pre>
 */
public final class DiffBenchmark {
    private DiffBenchmark() {
    }

    public static void main(String[] args) {
        if (args.length >= 1 && args[0].equals("corpus")) {
            if (args.length > 1) {
                System.setProperty("kelp.corpus", args[1]);
            }
            corpus();
        } else if (args.length == 2 && args[0].equals("self")) {
            self(Path.of(args[1]));
        } else {
            System.err.println("usage: DiffBenchmark corpus [DIR] | self FILE.o");
            System.exit(1);
        }
    }

    private static void corpus() {
        List<Corpus.Case> cases = Corpus.cases();
        for (Corpus.Case c : cases) {
            run(c); // warm-up: JIT and page cache
        }
        long total = 0;
        Corpus.Case largest = null;
        long largestSections = -1;
        System.out.printf(Locale.ROOT, "%-45s %10s %9s%n", "case", "sections", "ms");
        for (Corpus.Case c : cases) {
            long t0 = System.nanoTime();
            DiffResult r = run(c);
            long ns = System.nanoTime() - t0;
            total += ns;
            long sections = dev.kelp.elf.ElfFile.read(c.patched()).sections().size();
            if (sections > largestSections) {
                largestSections = sections;
                largest = c;
            }
            System.out.printf(Locale.ROOT, "%-45s %10d %9.2f  %s%n", c.name(), sections, ns / 1e6, r.outcome().label());
        }
        System.out.printf(Locale.ROOT, "total: %d cases in %.1f ms (%.2f ms per case)%n", cases.size(), total / 1e6,
                total / 1e6 / cases.size());
        Corpus.Case big = largest;
        Measured m = measure(() -> run(big));
        System.out.printf(Locale.ROOT, "largest case %s (%d sections): %.1f ms, peak heap %.1f MB"
                + " (reference create-diff-object: 950 ms, 11.7 MB max RSS)%n", big.name(), largestSections,
                m.ms, m.peakMb);
    }

    private static DiffResult run(Corpus.Case c) {
        return new Differ(new DiffOptions(c.sizes(), null, null)).diff(c.orig(), c.patched());
    }

    private static void self(Path file) {
        Measured m = measure(() -> {
            DiffResult r = new Differ(DiffOptions.defaults()).diff(file, file);
            if (r.outcome() != DiffResult.Outcome.NO_CHANGE) {
                throw new IllegalStateException(file + " against itself: " + r.outcome() + " " + r.changed()
                        + r.problems());
            }
        });
        dev.kelp.elf.ElfFile elf = dev.kelp.elf.ElfFile.read(file);
        long relocs = 0;
        for (dev.kelp.elf.RelocationSection rs : elf.relocationSections()) {
            relocs += rs.relocations().size();
        }
        System.out.printf(Locale.ROOT, "%s: %d sections, %d symbols, %d relocations%n", file, elf.sections().size(),
                elf.symbols().size(), relocs);
        System.out.printf(Locale.ROOT, "self-diff: %.0f ms wall, %.0f ms CPU (all JVM threads), peak heap %.1f MB,"
                + " outcome no-change%n", m.ms, m.cpuMs, m.peakMb);
        if (Boolean.getBoolean("kelp.bench.phases")) {
            phases(file);
        }
    }

    /** The differ's stages one by one (second run, JIT warm): where the time goes. */
    private static void phases(Path file) {
        long t = System.nanoTime();
        dev.kelp.elf.ElfFile o = dev.kelp.elf.ElfFile.read(file);
        dev.kelp.elf.ElfFile p = dev.kelp.elf.ElfFile.read(file);
        for (dev.kelp.elf.ElfFile f : List.of(o, p)) {
            for (dev.kelp.elf.RelocationSection rs : f.relocationSections()) {
                rs.relocations();
            }
        }
        t = lap("read + parse relocations", t);
        DiffArch arch = DiffArch.forMachine(o.machine());
        ObjectIndex oi = new ObjectIndex(o, "orig", arch);
        ObjectIndex pi = new ObjectIndex(p, "patched", arch);
        t = lap("index", t);
        Correlation corr = new Correlator(oi, pi).correlate();
        t = lap("correlate", t);
        ChangeSet cs = new ChangeDetector(oi, pi, corr).detect();
        t = lap("detect changes", t);
        new Refusals(oi, pi, corr, cs).check();
        lap("refusals", t);
    }

    private static long lap(String what, long t0) {
        long t = System.nanoTime();
        System.out.printf(Locale.ROOT, "  %-26s %8.0f ms%n", what, (t - t0) / 1e6);
        return t;
    }

    private record Measured(double ms, double cpuMs, double peakMb) {
    }

    /** Runs once and reports wall and process CPU time and the peak of the heap pools (reset before the run). */
    private static Measured measure(Runnable r) {
        System.gc();
        List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans();
        for (MemoryPoolMXBean p : pools) {
            p.resetPeakUsage();
        }
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long c0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        r.run();
        double ms = (System.nanoTime() - t0) / 1e6;
        double cpuMs = (os.getProcessCpuTime() - c0) / 1e6;
        long peak = 0;
        for (MemoryPoolMXBean p : pools) {
            if (p.getType() == MemoryType.HEAP) {
                peak += p.getPeakUsage().getUsed();
            }
        }
        return new Measured(ms, cpuMs, peak / (1024.0 * 1024.0));
    }
}
