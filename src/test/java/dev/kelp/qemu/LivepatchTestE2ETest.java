package dev.kelp.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real boots of the installed Debian kernel under QEMU (TCG), with modules built against its
 * headers: the protocol passes for good livepatches and each kind of failure is detected.
 */
@Tag("e2e")
class LivepatchTestE2ETest {
    private static final String SAMPLE_PROBE = "grep -q 'live patched' /proc/cmdline";
    private static final String TARGET_PROBE = "grep -q 'live patched' /proc/kelp_target";

    private final List<String> progress = new ArrayList<>();

    private final List<Path> keptLogs = new ArrayList<>();

    private TestReport run(LivepatchTestRun.Options options) {
        TestReport report = LivepatchTestRun.run(options, progress::add);
        System.out.println(String.join("\n", progress));
        if (report.log() != null && options.keepLog() == null) {
            keptLogs.add(report.log());
        }
        return report;
    }

    @AfterEach
    void deleteKeptLogs() throws Exception {
        for (Path log : keptLogs) {
            Files.deleteIfExists(log);
        }
    }

    @Test
    void kernelSampleUnderStressPasses() {
        TestReport report = run(LivepatchTestRun.Options.of(TestModules.module("livepatch-sample"))
                .withProbe(SAMPLE_PROBE)
                .withStress("cat /proc/cmdline > /dev/null"));

        assertThat(report.passed()).as(report.verdict()).isTrue();
        assertThat(report.phases()).extracting(TestReport.PhaseTiming::phase).containsSubsequence(
                "boot", "probe-unpatched", "livepatch-load", "patch-transition", "probe-patched",
                "unpatch-transition", "livepatch-unload", "probe-restored");
        // The stress loop really ran through the transitions.
        String stress = report.phase("stress").orElseThrow().detail();
        assertThat(stress).matches("ran [1-9][0-9]* times");
        assertThat(report.log()).isNull();
        assertThat(progress.get(progress.size() - 1)).startsWith("PASS");
    }

    @Test
    void probeThatNeverPassesFails() throws Exception {
        TestReport report = run(LivepatchTestRun.Options.of(TestModules.module("livepatch-sample"))
                .withProbe("grep -q 'never printed' /proc/cmdline"));

        assertThat(report.passed()).isFalse();
        assertThat(report.reason()).isEqualTo("probe did not pass while the livepatch was loaded (exit 1)");
        assertThat(report.log()).exists();
        assertThat(Files.readString(report.log())).contains("KELP:probe-patched fail");
    }

    /** Also boots the compressed image as it is (no PVH), the path for kernels without PVH. */
    @Test
    void probeThatPassesUnpatchedFails() {
        TestReport report = run(LivepatchTestRun.Options.of(TestModules.module("livepatch-sample"))
                .withProbe("true")
                .withDirectBoot(false));

        assertThat(report.passed()).isFalse();
        assertThat(report.reason()).startsWith("probe passed before the livepatch was loaded");
        assertThat(report.phase("livepatch-load")).isEmpty();
    }

    /** A probe that remembers having seen the patch still passes after the unload: caught. */
    @Test
    void probeThatStillPassesAfterUnloadFails() {
        TestReport report = run(LivepatchTestRun.Options.of(TestModules.module("livepatch-sample"))
                .withProbe("{ " + SAMPLE_PROBE + " && touch /tmp/seen; }; [ -e /tmp/seen ]"));

        assertThat(report.passed()).isFalse();
        assertThat(report.reason()).isEqualTo("probe still passed after the livepatch was unloaded");
        assertThat(report.phase("livepatch-unload").orElseThrow().status()).isEqualTo("ok");
    }

    @Test
    void transitionBlockedBySleepingKernelThreadFails() {
        TestReport report = run(LivepatchTestRun.Options.of(TestModules.module("kelp_sleeper_patch"))
                .withLoad(TestModules.module("kelp_sleeper").toString())
                .withTimeout(3));

        assertThat(report.passed()).isFalse();
        assertThat(report.reason()).matches(
                "transition of livepatch kelp_sleeper_patch did not finish within 3 s \\(enabled=1, transition=1\\);"
                        + " old code on the stack of: kelp_sleeper \\(pid \\d+\\) in kelp_sleeper_wait");
        assertThat(report.phase("patch-transition").orElseThrow().status()).isEqualTo("fail");
    }

    @Test
    void moduleThatWarnsFails(@TempDir Path tmp) throws Exception {
        Path log = tmp.resolve("console.log");
        TestReport report = run(LivepatchTestRun.Options.of(TestModules.module("livepatch-sample"))
                .withLoad(TestModules.module("kelp_warn").toString())
                .withProbe(SAMPLE_PROBE)
                .withKeepLog(log));

        assertThat(report.passed()).isFalse();
        assertThat(report.reason()).startsWith("kernel WARNING during load: WARNING: CPU: 0 PID:")
                .contains("kelp_warn_init");
        assertThat(report.log()).isEqualTo(log);
        assertThat(Files.readString(log)).contains("Call Trace:");
    }

    @Test
    void livepatchOfMissingFunctionIsRefused() {
        TestReport report = run(LivepatchTestRun.Options.of(TestModules.module("kelp_missing_patch")));

        assertThat(report.passed()).isFalse();
        assertThat(report.reason()).startsWith("module kelp_missing_patch was refused: ")
                .endsWith("(kernel: livepatch: symbol 'kelp_no_such_function' not found in symbol table)");
    }

    @Test
    void moduleLoadedBeforeTheLivepatchIsPatched() {
        // twofish-x86_64-3way comes from the target's /lib/modules with two dependencies.
        TestReport report = run(LivepatchTestRun.Options.of(TestModules.module("kelp_target_patch"))
                .withLoad("twofish-x86_64-3way", TestModules.module("kelp_target").toString())
                .withProbe(TARGET_PROBE + " && grep -q '^twofish_common ' /proc/modules"));

        assertThat(report.passed()).as(report.verdict()).isTrue();
        assertThat(report.phase("load").orElseThrow().status()).isEqualTo("ok");
    }

    @Test
    void moduleLoadedAfterTheLivepatchIsPatched() {
        TestReport report = run(LivepatchTestRun.Options.of(TestModules.module("kelp_target_patch"))
                .withLoadAfter(TestModules.module("kelp_target").toString())
                .withProbe(TARGET_PROBE));

        assertThat(report.passed()).as(report.verdict()).isTrue();
        assertThat(report.phases()).extracting(TestReport.PhaseTiming::phase)
                .containsSubsequence("patch-transition", "load-after", "probe-patched");
    }

    @Test
    void guestThatHangsIsStoppedAndReported() {
        TestReport report = run(LivepatchTestRun.Options.of(TestModules.module("livepatch-sample"))
                .withLoad(TestModules.module("kelp_hang").toString())
                .withTimeout(1));

        assertThat(report.passed()).isFalse();
        assertThat(report.reason()).isEqualTo("the guest hung during load: no progress for "
                + (1 + LivepatchTestRun.PROGRESS_SLACK_SECONDS) + " s");
        assertThat(ProcessHandle.current().descendants().map(p -> p.info().command().orElse("")))
                .noneMatch(c -> c.contains("qemu-system-"));
    }

    @Test
    void imageThatDoesNotBootIsReported() {
        TestReport report = run(LivepatchTestRun.Options.of(TestModules.module("livepatch-sample"))
                .withKernel(TestModules.release())
                .withVmlinuz(Initramfs.BUSYBOX));

        assertThat(report.passed()).isFalse();
        assertThat(report.reason()).startsWith("the guest did not boot: QEMU exited with code 1: ");
    }
}
