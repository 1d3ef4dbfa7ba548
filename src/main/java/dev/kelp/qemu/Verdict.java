package dev.kelp.qemu;

import java.util.Optional;

/**
 * Decides, from the console and QEMU's end, whether the test failed and why, in one line. A
 * crash reported by the kernel outranks everything (it is the root cause even when the guest
 * then failed a step); next the guest's own report; then what the watchdog saw.
 */
final class Verdict {
    private Verdict() {}

    /** The reason the test failed, or null when it passed. */
    static String reason(ConsoleMonitor console, QemuRun.Outcome qemu) {
        Optional<ConsoleMonitor.Problem> crash = console.firstCrash();
        if (crash.isPresent()) {
            return crash.get().describe();
        }
        Optional<ConsoleMonitor.Problem> problem = console.firstProblem();
        String kernelSays = problem.map(p -> " (kernel: " + KernelProblem.withoutTimeStamp(p.line()).strip() + ")")
                .orElse("");
        Optional<ConsoleMonitor.Marker> failure = console.guestFailure();
        if (failure.isPresent()) {
            return failure.get().detail() + kernelSays;
        }
        if (qemu.killed()) {
            return qemu.killedBecause() + kernelSays;
        }
        if (!console.booted()) {
            String err = QemuRun.errorLine(qemu.stderr());
            return "the guest did not boot: QEMU exited with code " + qemu.exitCode()
                    + (err.isEmpty() ? " before /init started" : ": " + err);
        }
        if (console.result().isEmpty()) {
            return "the guest stopped during " + console.phase() + " without reporting a result (QEMU exit code "
                    + qemu.exitCode() + ")" + kernelSays;
        }
        if (problem.isPresent()) {
            return problem.get().describe();
        }
        if (!console.result().get().equals("pass")) {
            return "the guest reported a failure without a reason";
        }
        if (qemu.exitCode() != 0) {
            return "QEMU exited with code " + qemu.exitCode() + ": " + String.join(" ", QemuRun.tail(qemu.stderr(), 1));
        }
        return null;
    }
}
