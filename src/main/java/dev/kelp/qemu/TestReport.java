package dev.kelp.qemu;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of {@link LivepatchTestRun#run}: whether the livepatch passed, the reason in one line
 * when it did not, the time of each phase, and where the console log is (null when it was not
 * kept: a passing test without --keep-log).
 */
public record TestReport(
        boolean passed,
        String reason,
        String livepatch,
        String kernelRelease,
        List<PhaseTiming> phases,
        Path log,
        double seconds) {

    public TestReport {
        phases = List.copyOf(phases);
    }

    /** One phase of the protocol: its name, "ok" or "fail", how long it took, what it reported. */
    public record PhaseTiming(String phase, String status, double seconds, String detail) {}

    /** The last entry for phase NAME ("stress" reports twice: started, then how often it ran). */
    public Optional<PhaseTiming> phase(String name) {
        return phases.stream().filter(p -> p.phase().equals(name)).reduce((first, second) -> second);
    }

    /** "PASS" or "FAIL: reason". */
    public String verdict() {
        return passed ? "PASS" : "FAIL: " + reason;
    }
}
