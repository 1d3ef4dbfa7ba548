package dev.kelp.qemu;

import dev.kelp.arch.BootArch;
import dev.kelp.util.KelpException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The host's side of QEMU's accelerators: TCG always works; KVM needs {@code /dev/kvm}, and not
 * every KVM runs a stock kernel (kvm-pvm, for one, makes QEMU abort on the first MSR it sets),
 * so a KVM guest that does not boot is reported with that in mind.
 */
final class Accelerator {
    static final String KVM = "kvm";
    static final Path KVM_DEVICE = Path.of("/dev/kvm");

    private Accelerator() {}

    /** Refuses, before anything boots, an accelerator ARCH does not have or this host cannot provide. */
    static void check(BootArch arch, String accel) {
        if (accel == null || !arch.accelerators().contains(accel)) {
            throw new KelpException("unknown accelerator '" + accel + "'; use "
                    + String.join(" or ", arch.accelerators()));
        }
        if (accel.equals(KVM)) {
            checkKvm(KVM_DEVICE);
        }
    }

    /** DEVICE must exist and be readable and writable, as QEMU opens it read-write. */
    static void checkKvm(Path device) {
        if (!Files.exists(device)) {
            throw new KelpException("--accel kvm: " + device + " does not exist (no KVM on this machine: the kvm"
                    + " module is not loaded, or this is a virtual machine without nested virtualisation);"
                    + " use --accel tcg");
        }
        if (!Files.isReadable(device) || !Files.isWritable(device)) {
            throw new KelpException("--accel kvm: " + device + " is not readable and writable by this user (add it"
                    + " to the group that owns " + device + ", usually kvm); use --accel tcg");
        }
    }

    /** REASON, for a guest that did not reach /init under KVM, with what the user can do about it. */
    static String kvmBootFailure(String reason) {
        return reason + " (with --accel kvm: " + KVM_DEVICE + " on this machine may not run this kernel;"
                + " use --accel tcg)";
    }
}
