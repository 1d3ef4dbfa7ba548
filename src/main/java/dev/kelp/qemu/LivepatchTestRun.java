package dev.kelp.qemu;

import dev.kelp.arch.BootArch;
import dev.kelp.arch.registry.BootImages;
import dev.kelp.util.KelpException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Proves a livepatch in the kernel it targets: boots that kernel in QEMU with a small initramfs
 * and runs the protocol of {@link GuestScript} (load target modules, probe fails, load the patch,
 * transition, late-loaded modules, probe passes, disable, transition, unload, probe fails), then
 * judges the console. Usable in-process (tests of other stages) and by {@code kelp test}.
 */
public final class LivepatchTestRun {
    /** Kernel command line after the architecture's console argument. panic=-1: a panic reboots
     * at once, and -no-reboot makes QEMU exit, so a crash ends the run instead of waiting for the
     * watchdog; an Oops does not panic, so the guest goes on and its report stays complete.
     * nokaslr: stable addresses in traces. printk.devkmsg=on: the guest's markers are never
     * rate-limited. */
    static final String APPEND = "panic=-1 nokaslr printk.devkmsg=on loglevel=7 rdinit=/init";

    /** Guest memory. */
    static final String MEMORY = "512M";

    /** Seconds QEMU may take to start /init; Debian's kernel needs about 3 under TCG. */
    static final int BOOT_SECONDS = 90;
    /** Slack on top of --timeout between two markers, for a slow emulated guest. */
    static final int PROGRESS_SLACK_SECONDS = 30;
    static final int POWEROFF_SECONDS = 15;

    /**
     * What to test. MODULE is the livepatch (.ko); KERNEL a release under /boot and
     * /lib/modules, or VMLINUZ an image (both null: the newest installed kernel); PROBE a shell
     * command that passes only on the patched kernel (null: none); LOAD and LOADAFTER module
     * names of the target or .ko files, loaded before and after the livepatch; STRESS a shell
     * command run again and again in the background (null: none); TIMEOUTSECONDS the longest a
     * transition or probe may take; KEEPLOG where to keep the console log (null: kept only on
     * failure, in a temporary file); CPUS the guest's CPUs (0: 1, or 2 with STRESS); ACCEL one of
     * the target architecture's QEMU accelerators ("tcg", "kvm"); DIRECTBOOT boot the faster form
     * of the image when the architecture has one (x86: the vmlinux through PVH; see
     * {@link BootImage}).
     */
    public record Options(Path module, String kernel, Path vmlinuz, String probe, List<String> load,
            List<String> loadAfter, String stress, int timeoutSeconds, Path keepLog, int cpus, String accel,
            boolean directBoot) {
        public static final int DEFAULT_TIMEOUT_SECONDS = 30;

        public Options {
            load = List.copyOf(load);
            loadAfter = List.copyOf(loadAfter);
        }

        /** The defaults: no probe, no modules, the newest installed kernel, TCG, direct boot. */
        public static Options of(Path module) {
            return new Options(module, null, null, null, List.of(), List.of(), null, DEFAULT_TIMEOUT_SECONDS,
                    null, 0, "tcg", true);
        }

        public Options withKernel(String release) {
            return new Options(module, release, vmlinuz, probe, load, loadAfter, stress, timeoutSeconds, keepLog, cpus,
                    accel, directBoot);
        }

        public Options withVmlinuz(Path image) {
            return new Options(module, kernel, image, probe, load, loadAfter, stress, timeoutSeconds, keepLog, cpus,
                    accel, directBoot);
        }

        public Options withProbe(String command) {
            return new Options(module, kernel, vmlinuz, command, load, loadAfter, stress, timeoutSeconds, keepLog,
                    cpus, accel, directBoot);
        }

        public Options withLoad(String... modules) {
            return new Options(module, kernel, vmlinuz, probe, List.of(modules), loadAfter, stress, timeoutSeconds,
                    keepLog, cpus, accel, directBoot);
        }

        public Options withLoadAfter(String... modules) {
            return new Options(module, kernel, vmlinuz, probe, load, List.of(modules), stress, timeoutSeconds,
                    keepLog, cpus, accel, directBoot);
        }

        public Options withStress(String command) {
            return new Options(module, kernel, vmlinuz, probe, load, loadAfter, command, timeoutSeconds, keepLog,
                    cpus, accel, directBoot);
        }

        public Options withTimeout(int seconds) {
            return new Options(module, kernel, vmlinuz, probe, load, loadAfter, stress, seconds, keepLog, cpus,
                    accel, directBoot);
        }

        public Options withKeepLog(Path file) {
            return new Options(module, kernel, vmlinuz, probe, load, loadAfter, stress, timeoutSeconds, file, cpus,
                    accel, directBoot);
        }

        public Options withCpus(int count) {
            return new Options(module, kernel, vmlinuz, probe, load, loadAfter, stress, timeoutSeconds, keepLog,
                    count, accel, directBoot);
        }

        public Options withDirectBoot(boolean direct) {
            return new Options(module, kernel, vmlinuz, probe, load, loadAfter, stress, timeoutSeconds, keepLog,
                    cpus, accel, direct);
        }

        public Options withAccel(String accelerator) {
            return new Options(module, kernel, vmlinuz, probe, load, loadAfter, stress, timeoutSeconds, keepLog,
                    cpus, accelerator, directBoot);
        }
    }

    private LivepatchTestRun() {}

    /** Runs the test quietly. */
    public static TestReport run(Options options) {
        return run(options, line -> { });
    }

    /** Runs the test, reporting each phase as a line to PROGRESS as it finishes. */
    public static TestReport run(Options options, Consumer<String> progress) {
        validate(options);
        KernelTarget target = KernelTarget.resolve(options.kernel(), options.vmlinuz());
        BootArch arch = BootImages.forImage(target.vmlinuz());
        Accelerator.check(arch, options.accel());
        String guestRelease = KernelTarget.imageRelease(target.vmlinuz()).orElse(target.release());
        Selection selection = select(options, target);
        int cpus = options.cpus() > 0 ? options.cpus() : options.stress() != null ? 2 : 1;
        BootImage.Choice boot = options.directBoot()
                ? BootImage.choose(arch, target.vmlinuz(), BootImage.defaultCache())
                : new BootImage.Choice(target.vmlinuz(), "image as given");
        progress.accept(String.format(Locale.ROOT, "kelp test: %s on %s (%s, %d CPU%s, %s), timeout %d s",
                selection.livepatch(), guestRelease, options.accel(), cpus, cpus == 1 ? "" : "s", boot.how(),
                options.timeoutSeconds()));
        Path work = tempDir();
        try {
            long t0 = System.nanoTime();
            List<TestReport.PhaseTiming> phases = new ArrayList<>();
            Path initrd = work.resolve("initramfs.cpio.gz");
            long size = Initramfs.write(initrd, new Initramfs.Contents(guestRelease, selection.modules(),
                    GuestScript.render(selection.plan(options)), options.probe(), options.stress()));
            int count = selection.modules().modules().size();
            phases.add(new TestReport.PhaseTiming("initramfs", "ok", QemuRun.seconds(System.nanoTime() - t0),
                    String.format(Locale.ROOT, "%.1f MB, %d module%s", size / 1e6, count, count == 1 ? "" : "s")));
            progress.accept(line(phases.get(0)));

            QemuRun.Machine machine = machine(arch, boot.file(), initrd, cpus, options.accel());
            String reason = boot(machine, options, work.resolve("console.log"), new PhaseClock(phases, progress));
            Path kept = keepLog(work.resolve("console.log"), options.keepLog(), reason != null);
            TestReport report = new TestReport(reason == null, reason, selection.livepatch(), guestRelease, phases,
                    kept, QemuRun.seconds(System.nanoTime() - t0));
            progress.accept(String.format(Locale.ROOT, "%s (%.1f s)", report.verdict(), report.seconds()));
            if (kept != null) {
                progress.accept("console log: " + kept);
            }
            return report;
        } finally {
            deleteTree(work);
        }
    }

    /** The guest kelp test boots: KERNEL (a file ARCH boots) with INITRD, its console on QEMU's stdio. */
    static QemuRun.Machine machine(BootArch arch, Path kernel, Path initrd, int cpus, String accel) {
        return new QemuRun.Machine(arch, kernel, initrd, cpus, MEMORY, accel, arch.kernelConsole() + " " + APPEND);
    }

    /** The livepatch and the target modules, resolved by name, with what they need. */
    private record Selection(ModuleSelection modules, String livepatch, List<String> load, List<String> loadAfter) {
        GuestScript.Plan plan(Options o) {
            return new GuestScript.Plan(livepatch, load, loadAfter, o.probe() != null, o.stress() != null,
                    o.timeoutSeconds());
        }
    }

    private static Selection select(Options options, KernelTarget target) {
        ModulesDep index = Files.isRegularFile(target.modulesDir().resolve("modules.dep"))
                ? ModulesDep.read(target.modulesDir()) : null;
        ModuleSelection modules = new ModuleSelection(index);
        ModInfo livepatch = modules.addFile(options.module());
        if (!livepatch.livepatch()) {
            throw new KelpException(options.module() + ": not a livepatch module (its .modinfo has no livepatch=Y);"
                    + " kelp test loads livepatches only");
        }
        List<String> load = names(options.load(), modules);
        List<String> loadAfter = names(options.loadAfter(), modules);
        for (String n : load) {
            modules.select(n);
        }
        modules.select(livepatch.name());
        for (String late : loadAfter) {
            refuseEarlyLoad(late, livepatch.name(), load, modules);
            modules.select(late);
        }
        return new Selection(modules, livepatch.name(), load, loadAfter);
    }

    /** Boots the guest, following its console into LOG; returns the failure reason, or null. */
    private static String boot(QemuRun.Machine machine, Options options, Path log, PhaseClock clock) {
        ConsoleMonitor monitor = new ConsoleMonitor(clock::onMarker);
        QemuRun.Limits limits = new QemuRun.Limits(BOOT_SECONDS, options.timeoutSeconds() + PROGRESS_SLACK_SECONDS,
                POWEROFF_SECONDS);
        clock.qemuStart = System.nanoTime();
        QemuRun.Outcome outcome = QemuRun.run(machine, limits, log, monitor);
        String reason = Verdict.reason(monitor, outcome);
        boolean kvmDidNotBoot = reason != null && !monitor.booted() && monitor.firstCrash().isEmpty()
                && machine.accel().equals(Accelerator.KVM);
        return kvmDidNotBoot ? Accelerator.kvmBootFailure(reason) : reason;
    }

    private static void validate(Options o) {
        if (o.module() == null) {
            throw new KelpException("no livepatch module given (--module FILE.ko)");
        }
        if (!Files.isRegularFile(o.module())) {
            throw new KelpException(o.module() + ": no such livepatch module file");
        }
        if (o.timeoutSeconds() < 1) {
            throw new KelpException("--timeout must be at least 1 second, not " + o.timeoutSeconds());
        }
        if (o.probe() != null && o.probe().isBlank()) {
            throw new KelpException("--probe is empty; give a shell command that passes only on the patched kernel");
        }
        if (o.stress() != null && o.stress().isBlank()) {
            throw new KelpException("--stress is empty; give a shell command to run in the background");
        }
    }

    /** Module arguments: a .ko file (added under its .modinfo name) or a target module name. */
    private static List<String> names(List<String> args, ModuleSelection modules) {
        List<String> names = new ArrayList<>();
        for (String arg : args) {
            names.add(ModuleFiles.looksLikeModuleFile(arg) ? modules.addFile(Path.of(arg)).name()
                    : ModInfo.canonical(arg));
        }
        return names;
    }

    /** A module to load after the livepatch must not be pulled in earlier as a dependency. */
    private static void refuseEarlyLoad(String late, String livepatch, List<String> load, ModuleSelection modules) {
        List<String> early = new ArrayList<>(load);
        early.add(livepatch);
        for (String e : early) {
            if (e.equals(late) || modules.closure(e).contains(late)) {
                throw new KelpException("module " + late + " is to be loaded after the livepatch, but "
                        + (e.equals(late) ? "it is also in --load" : e + " needs it, so it would be loaded before"));
            }
        }
    }

    /**
     * Turns markers into phase timings and progress lines as they arrive. Times are the host's
     * (when each marker reached the console): the guest's clock under emulation on a loaded
     * machine may be calibrated wrong, and the host's time is what the user waits.
     */
    private static final class PhaseClock {
        private final List<TestReport.PhaseTiming> phases;
        private final Consumer<String> progress;
        private final Map<String, Long> started = new HashMap<>();
        volatile long qemuStart;

        PhaseClock(List<TestReport.PhaseTiming> phases, Consumer<String> progress) {
            this.phases = phases;
            this.progress = progress;
        }

        void onMarker(ConsoleMonitor.Marker m) {
            if (m.phase().equals("result")) {
                return;
            }
            switch (m.status()) {
                case "start" -> started.put(m.phase(), m.hostNanos());
                case "info" -> {
                    phases.add(new TestReport.PhaseTiming(m.phase(), "info", 0, m.detail()));
                    progress.accept(String.format(Locale.ROOT, "  %-20s %8s  %s", m.phase(), "", m.detail()));
                }
                case "ok", "fail" -> {
                    double seconds = m.phase().equals("boot") ? QemuRun.seconds(m.hostNanos() - qemuStart)
                            : QemuRun.seconds(m.hostNanos() - started.getOrDefault(m.phase(), m.hostNanos()));
                    TestReport.PhaseTiming t = new TestReport.PhaseTiming(m.phase(), m.status(), seconds, m.detail());
                    phases.add(t);
                    progress.accept(line(t));
                }
                default -> { }
            }
        }
    }

    private static String line(TestReport.PhaseTiming t) {
        return String.format(Locale.ROOT, "  %-20s %6.2f s  %s%s", t.phase(), t.seconds(),
                t.status().equals("fail") ? "FAIL " : "", t.detail()).stripTrailing();
    }

    private static Path keepLog(Path log, Path keepLog, boolean failed) {
        try {
            if (keepLog != null) {
                Path parent = keepLog.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.copy(log, keepLog, StandardCopyOption.REPLACE_EXISTING);
                return keepLog;
            }
            if (failed) {
                Path kept = Files.createTempFile("kelp-test-", ".log");
                Files.copy(log, kept, StandardCopyOption.REPLACE_EXISTING);
                return kept;
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("kelp-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
