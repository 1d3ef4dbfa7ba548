package dev.kelp.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelp.arch.BootArch;
import dev.kelp.arch.registry.BootImages;
import dev.kelp.util.KelpException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The QEMU command line kelp test runs, and the accelerator checks before it. */
class QemuMachineTest {
    private static final KernelTarget TARGET = KernelTarget.resolve(null, null);

    /** Exactly the command line kelp test ran before the boot facts moved to dev.kelp.arch. */
    private static List<String> expected(String accel, String cpu, int cpus, Path kernel, Path initrd) {
        return List.of("qemu-system-x86_64", "-accel", accel, "-cpu", cpu, "-smp", Integer.toString(cpus),
                "-m", "512M", "-display", "none", "-nodefaults", "-no-reboot", "-monitor", "none",
                "-serial", "stdio", "-kernel", kernel.toString(), "-initrd", initrd.toString(),
                "-append", "console=ttyS0 panic=-1 nokaslr printk.devkmsg=on loglevel=7 rdinit=/init");
    }

    @Test
    void commandLineForTheInstalledDebianKernel(@TempDir Path cache) {
        Path initrd = Path.of("/tmp/initramfs.cpio.gz");
        BootArch arch = BootImages.forImage(TARGET.vmlinuz());
        Path vmlinux = BootImage.choose(arch, TARGET.vmlinuz(), cache).file();

        assertThat(LivepatchTestRun.machine(arch, TARGET.vmlinuz(), initrd, 1, "tcg").command())
                .isEqualTo(expected("tcg", "max", 1, TARGET.vmlinuz(), initrd));
        assertThat(LivepatchTestRun.machine(arch, vmlinux, initrd, 2, "kvm").command())
                .isEqualTo(expected("kvm", "host", 2, vmlinux, initrd));
        // A machine for a kernel file on its own: the architecture comes from the file (here the PVH vmlinux).
        assertThat(new QemuRun.Machine(vmlinux, initrd, 1, "512M", "tcg", "console=ttyS0 " + LivepatchTestRun.APPEND)
                .command()).isEqualTo(expected("tcg", "max", 1, vmlinux, initrd));
    }

    @Test
    void unknownAcceleratorIsNamed() {
        BootArch arch = BootImages.forImage(TARGET.vmlinuz());
        Accelerator.check(arch, "tcg");
        assertThatThrownBy(() -> Accelerator.check(arch, "hvf")).isInstanceOf(KelpException.class)
                .hasMessage("unknown accelerator 'hvf'; use tcg or kvm");
    }

    @Test
    void missingKvmDeviceIsNamed(@TempDir Path tmp) {
        Path device = tmp.resolve("kvm");
        assertThatThrownBy(() -> Accelerator.checkKvm(device)).isInstanceOf(KelpException.class)
                .hasMessage("--accel kvm: " + device + " does not exist (no KVM on this machine: the kvm module is"
                        + " not loaded, or this is a virtual machine without nested virtualisation); use --accel tcg");
    }

    /**
     * A guest that does not reach /init under KVM names /dev/kvm and suggests TCG (on a machine
     * without /dev/kvm, kelp refuses before booting, naming it). The image never boots, so the
     * outcome does not depend on how well this machine's KVM works.
     */
    @Tag("e2e")
    @Test
    void kvmGuestThatDoesNotBootNamesDevKvm() {
        LivepatchTestRun.Options options = LivepatchTestRun.Options.of(TestModules.module("livepatch-sample"))
                .withKernel(TestModules.release()).withVmlinuz(Initramfs.BUSYBOX).withAccel("kvm");
        TestReport report;
        try {
            report = LivepatchTestRun.run(options);
        } catch (KelpException noKvm) {
            assertThat(noKvm.getMessage()).startsWith("--accel kvm: /dev/kvm ").endsWith("; use --accel tcg");
            return;
        }
        try {
            assertThat(report.passed()).isFalse();
            assertThat(report.reason()).startsWith("the guest did not boot")
                    .endsWith(" (with --accel kvm: /dev/kvm on this machine may not run this kernel; use --accel tcg)");
        } finally {
            report.log().toFile().delete();
        }
    }
}
