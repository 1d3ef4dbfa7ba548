package dev.kelp.cli;

import dev.kelp.qemu.LivepatchTestRun;
import dev.kelp.qemu.TestReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kelp test}: boots the target kernel in QEMU and proves a livepatch there. */
@Command(
        name = "test",
        mixinStandardHelpOptions = true,
        description = {
            "Proves a livepatch in the kernel it targets, under QEMU: load the --load modules, the probe fails,"
                    + " load the livepatch and wait for its transition, load the --load-after modules, the probe"
                    + " passes, disable and unload the livepatch, the probe fails again.",
            "Fails (exit 1) on an Oops, BUG, WARNING, call trace or panic, a refused module, a transition that"
                    + " does not finish, a probe outside the protocol, or a guest that does not boot or hangs.",
        })
public final class TestCommand implements Callable<Integer> {
    @Option(names = "--module", required = true, paramLabel = "LIVEPATCH.ko", description = "The livepatch module.")
    Path module;

    @Option(names = "--kernel", paramLabel = "RELEASE",
            description = "Target kernel release (/boot/vmlinuz-RELEASE, /lib/modules/RELEASE); default: the newest"
                    + " installed.")
    String kernel;

    @Option(names = "--vmlinuz", paramLabel = "FILE", description = "Kernel image to boot instead of /boot's.")
    Path vmlinuz;

    @Option(names = "--probe", paramLabel = "'SHELL COMMAND'",
            description = "Passes only while the livepatch is active, e.g. \"grep -q 'live patched' /proc/cmdline\".")
    String probe;

    @Option(names = "--load", arity = "1..*", paramLabel = "MODULE",
            description = "Target modules (names or .ko files) loaded before the livepatch.")
    List<String> load = new ArrayList<>();

    @Option(names = "--load-after", arity = "1..*", paramLabel = "MODULE",
            description = "Target modules loaded after the livepatch (late module patching).")
    List<String> loadAfter = new ArrayList<>();

    @Option(names = "--stress", paramLabel = "'SHELL COMMAND'",
            description = "Run again and again in the background through the transitions.")
    String stress;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            defaultValue = "" + LivepatchTestRun.Options.DEFAULT_TIMEOUT_SECONDS,
            description = "Longest a transition or a probe may take (default: ${DEFAULT-VALUE}).")
    int timeout;

    @Option(names = "--keep-log", paramLabel = "FILE",
            description = "Keep the console log here (default: kept in a temporary file on failure only).")
    Path keepLog;

    @Option(names = "--cpus", paramLabel = "N", description = "Guest CPUs (default: 1, or 2 with --stress).")
    int cpus;

    @Option(names = "--accel", paramLabel = "tcg|kvm", defaultValue = "tcg",
            description = "QEMU accelerator (default: ${DEFAULT-VALUE}; kvm needs a /dev/kvm that runs stock kernels).")
    String accel;

    @Option(names = {"--no-pvh", "--no-direct-boot"},
            description = "Boot the kernel image as it is, not the faster form kelp makes of it (x86: its vmlinux"
                    + " through PVH; slower under TCG).")
    boolean noDirectBoot;

    @Override
    public Integer call() {
        LivepatchTestRun.Options options = new LivepatchTestRun.Options(module, kernel, vmlinuz, probe, load, loadAfter,
                stress, timeout, keepLog, cpus, accel, !noDirectBoot);
        TestReport report = LivepatchTestRun.run(options, System.out::println);
        return report.passed() ? 0 : 1;
    }
}
