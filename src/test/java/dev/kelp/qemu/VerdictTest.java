package dev.kelp.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Console lines in the formats the 6.1 kernel prints, judged as kelp test judges a run. */
class VerdictTest {
    private static final QemuRun.Outcome CLEAN_EXIT = new QemuRun.Outcome(0, null, "", 0, 0);

    private static ConsoleMonitor console(String... lines) {
        ConsoleMonitor m = new ConsoleMonitor(marker -> { });
        long t = 0;
        for (String l : lines) {
            m.accept(l, t += 1_000_000);
        }
        return m;
    }

    @Test
    void cleanRunPasses() {
        ConsoleMonitor m = console(
                "[    2.97] Run /init as init process",
                "[    3.19] KELP:boot ok 3.10 6.1.0-56-amd64",
                "[    3.39] livepatch_sample: module verification failed: signature and/or required key missing"
                        + " - tainting kernel",
                "[    3.44] livepatch: enabling patch 'livepatch_sample'",
                "[    3.46] livepatch: 'livepatch_sample': patching complete",
                "[    3.75] KELP:result pass 3.68");
        assertThat(Verdict.reason(m, CLEAN_EXIT)).isNull();
        assertThat(m.markers()).extracting(ConsoleMonitor.Marker::uptime).containsExactly(3.10, 3.68);
    }

    @Test
    void warningOutranksTheGuestsOwnReport() {
        ConsoleMonitor m = console(
                "[    3.19] KELP:boot ok 3.10 6.1.0-56-amd64",
                "[    3.20] KELP:load start 3.11",
                "[    3.30] ------------[ cut here ]------------",
                "[    3.31] WARNING: CPU: 0 PID: 83 at /tmp/m/kelp_warn.c:8 kelp_warn_init+0x5/0x1000 [kelp_warn]",
                "[    3.40] Call Trace:",
                "[    3.50] KELP:load fail 3.20 module x was refused: modprobe: can't load module x",
                "[    3.51] KELP:result fail 3.21");
        assertThat(Verdict.reason(m, CLEAN_EXIT)).isEqualTo("kernel WARNING during load: WARNING: CPU: 0 PID: 83"
                + " at /tmp/m/kelp_warn.c:8 kelp_warn_init+0x5/0x1000 [kelp_warn]");
    }

    @Test
    void refusedModuleNamesTheKernelsReason() {
        ConsoleMonitor m = console(
                "KELP:boot ok 3.10 6.1.0-56-amd64",
                "KELP:livepatch-load start 3.11",
                "[    2.87] livepatch: symbol 'f' not found in symbol table",
                "[    3.13] KELP:livepatch-load fail 3.17 module lp was refused: modprobe: can't load module lp"
                        + " (kelp/lp.ko): Invalid argument",
                "[    3.13] KELP:result fail 3.18");
        assertThat(Verdict.reason(m, CLEAN_EXIT)).isEqualTo("module lp was refused: modprobe: can't load module lp"
                + " (kelp/lp.ko): Invalid argument (kernel: livepatch: symbol 'f' not found in symbol table)");
    }

    @Test
    void markersCutIntoByTtyOutputAreStillFound() {
        ConsoleMonitor m = console("probe| some output KELP:boot ok 3.10 6.1.0-56-amd64", "KELP:result pass 4.0");
        assertThat(m.booted()).isTrue();
        assertThat(Verdict.reason(m, CLEAN_EXIT)).isNull();
    }

    @Test
    void probeOutputNeverCountsAsAKernelProblem() {
        ConsoleMonitor m = console("KELP:boot ok 3.10 r", "probe| WARNING: something in user space",
                "KELP:result pass 4.0");
        assertThat(Verdict.reason(m, CLEAN_EXIT)).isNull();
    }

    @Test
    void panicThatRebootsBeforeAnyResultIsReported() {
        ConsoleMonitor m = console("KELP:boot ok 3.10 r", "KELP:livepatch-load start 3.2",
                "[    3.3] BUG: kernel NULL pointer dereference, address: 0000000000000000",
                "[    3.4] Kernel panic - not syncing: Fatal exception");
        assertThat(Verdict.reason(m, CLEAN_EXIT)).isEqualTo(
                "kernel BUG during livepatch-load: BUG: kernel NULL pointer dereference, address: 0000000000000000");
    }

    @Test
    void guestThatNeverBootsOrHangsIsReported() {
        assertThat(Verdict.reason(console("SeaBIOS (version 1.16.2)"),
                new QemuRun.Outcome(1, null, "qemu: could not load kernel '/x'\n", 0, 0)))
                .isEqualTo("the guest did not boot: QEMU exited with code 1: qemu: could not load kernel '/x'");
        assertThat(Verdict.reason(console("KELP:boot ok 3.1 r", "KELP:probe-patched start 3.2"),
                new QemuRun.Outcome(-1, "the guest hung during probe-patched: no progress for 40 s", "", 0, 0)))
                .isEqualTo("the guest hung during probe-patched: no progress for 40 s");
        assertThat(Verdict.reason(console("KELP:boot ok 3.1 r", "KELP:load start 3.2"), CLEAN_EXIT))
                .isEqualTo("the guest stopped during load without reporting a result (QEMU exit code 0)");
    }

    @Test
    void problemTableClassifiesKernelMessages() {
        assertThat(List.of(
                "[   1.0] general protection fault, probably for non-canonical address 0xdead: 0000 [#1] SMP",
                "[   1.0] Oops: 0002 [#1] PREEMPT SMP NOPTI",
                "[   1.0] kernel BUG at mm/slub.c:100!",
                "[   1.0] INFO: task kworker/0:1:12 blocked for more than 120 seconds.",
                "[   1.0] x: disagrees about version of symbol module_layout",
                "[   1.0] livepatch: failed to enable patch 'x'"))
                .map(l -> KernelProblem.of(l).orElseThrow())
                .containsExactly(KernelProblem.GPF, KernelProblem.OOPS, KernelProblem.BUG, KernelProblem.HUNG_TASK,
                        KernelProblem.MODULE_REFUSED, KernelProblem.LIVEPATCH_ERROR);
        assertThat(KernelProblem.of("[ 1.0] livepatch_x: module verification failed: signature and/or required key"
                + " missing - tainting kernel")).isEmpty();
        assertThat(KernelProblem.of("[ 1.0] PCI: Using host bridge windows from ACPI; if necessary, use \"pci=nocrs\""
                + " and report a bug")).isEmpty();
    }
}
