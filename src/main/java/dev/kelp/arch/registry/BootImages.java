package dev.kelp.arch.registry;

import dev.kelp.arch.BootArch;
import dev.kelp.arch.ImageMachine;
import dev.kelp.util.KelpException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Kernel images of every architecture in the registry: which one boots an image, the release its
 * header records, the kernel ELF inside it, and the refusal when none does.
 */
public final class BootImages {
    private BootImages() {
    }

    /** The architecture that boots the kernel image FILE, or an error naming FILE and its machine. */
    public static BootArch forImage(Path file) {
        return forImage(file.toString(), BootArch.head(file));
    }

    /** As {@link #forImage(Path)}, for an image's first bytes (at least {@link BootArch#HEAD_SIZE}, or all of it). */
    public static BootArch forImage(String file, byte[] head) {
        for (BootArch arch : Machines.boots()) {
            if (arch.boots(head)) {
                return arch;
            }
        }
        throw notBootable(file, head);
    }

    /** The release an image's header records, if a supported architecture's format records one. */
    public static Optional<String> imageRelease(byte[] head) {
        return Machines.boots().stream().filter(a -> a.boots(head)).findFirst().flatMap(a -> a.release(head));
    }

    /**
     * The kernel ELF (vmlinux) inside IMAGE, the content of the distribution kernel image FILE
     * ({@code /boot/vmlinuz-*}), read by the architecture that boots it; an image whose own
     * header names another machine is refused naming it (exit 2), anything else as not an image
     * of a supported architecture (exit 1).
     */
    public static byte[] imageKernelElf(Path file, byte[] image) {
        for (BootArch arch : Machines.boots()) {
            if (arch.boots(image)) {
                return arch.kernelElf(file, image);
            }
        }
        Optional<String> machine = ImageMachine.of(image);
        if (machine.isPresent()) {
            String names = Machines.boots().stream().map(BootArch::name).collect(Collectors.joining(", "));
            throw new KelpException(file + ": a kernel image for " + machine.get()
                    + "; kelp reads the kernel of " + names + " images only (" + releaseFormats()
                    + "); pass --vmlinux or --kallsyms instead", KelpException.UNSUPPORTED, null);
        }
        throw new KelpException(file + ": " + Machines.boots().stream().map(BootArch::notKernelImage)
                .collect(Collectors.joining("; ")));
    }

    /** "an x86 bzImage": the formats whose header records the release, for messages. */
    public static String releaseFormats() {
        return Machines.boots().stream().map(BootArch::releaseFormat).collect(Collectors.joining(" or "));
    }

    /**
     * Why no supported architecture boots FILE: an unsupported architecture (exit 2) when the
     * image's own header names its machine, else not a kernel image kelp knows (exit 1).
     */
    public static KelpException notBootable(String file, byte[] head) {
        String formats = Machines.boots().stream().map(BootArch::imageFormats).collect(Collectors.joining("; "));
        Optional<String> machine = ImageMachine.of(head);
        if (machine.isPresent()) {
            String names = Machines.boots().stream().map(BootArch::name).collect(Collectors.joining(", "));
            return new KelpException(file + ": a kernel image for " + machine.get() + "; kelp test boots " + names
                    + " kernels only (" + formats + ")", KelpException.UNSUPPORTED, null);
        }
        return new KelpException(file + ": not a kernel image kelp test can boot (expected " + formats + ")");
    }
}
