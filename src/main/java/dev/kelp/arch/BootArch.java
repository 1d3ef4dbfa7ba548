package dev.kelp.arch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * How a target kernel of one architecture boots under QEMU, for {@code kelp test}: which QEMU
 * system emulator and machine options, which console the guest writes to, which accelerators
 * exist, and how the distribution's kernel image is turned into what QEMU boots fastest. The
 * QEMU stage (process, initramfs, console, verdict) knows nothing else about the machine.
 * Selected from the kernel image itself with {@code dev.kelp.arch.registry.BootImages.forImage};
 * each {@link Machine} of the registry has one.
 */
public interface BootArch {
    /** How many bytes of an image's start {@link #boots} and {@link #release} need. */
    int HEAD_SIZE = 0x8000;

    /** The first {@link #HEAD_SIZE} bytes of FILE (fewer if it is shorter). */
    static byte[] head(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = new byte[HEAD_SIZE];
            int n = in.readNBytes(head, 0, head.length);
            return Arrays.copyOf(head, n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Name for messages ("x86-64"). */
    String name();

    /** True if this architecture boots the image that starts with HEAD (its own formats only). */
    boolean boots(byte[] head);

    /** The image formats it boots, for messages ("an x86 bzImage or an x86-64 ELF vmlinux"). */
    String imageFormats();

    /** The format whose header records the kernel release, for messages ("an x86 bzImage"). */
    String releaseFormat();

    /** The kernel release recorded in the image's header, if its format records one. */
    Optional<String> release(byte[] head);

    /**
     * The kernel ELF (vmlinux) inside IMAGE, the content of FILE, a distribution kernel image this
     * architecture boots; or an error naming FILE, what is wrong and what to pass instead.
     */
    byte[] kernelElf(Path file, byte[] image);

    /** Why a file is no kernel image of this architecture, for messages ("not an x86 bzImage (…)"). */
    String notKernelImage();

    /** The QEMU system emulator ("qemu-system-x86_64"). */
    String qemuSystem();

    /** The Debian package that provides it ("qemu-system-x86"), for the advice when it is missing. */
    String qemuPackage();

    /** QEMU accelerators for this guest, the default (software, always works) first: "tcg", "kvm". */
    List<String> accelerators();

    /** QEMU options that choose the machine and CPU under ACCEL (e.g. {@code -cpu max}), after {@code -accel}. */
    List<String> machineOptions(String accel);

    /** QEMU options that connect the guest's console to QEMU's stdio (e.g. {@code -serial stdio}). */
    List<String> consoleOptions();

    /** The kernel command-line argument that sends the console there ("console=ttyS0"). */
    String kernelConsole();

    /** What {@link #directBootImage} makes, for the progress line ("PVH vmlinux"). */
    String directBootName();

    /**
     * A file that QEMU boots faster than IMAGE (the whole distribution image) and that runs the
     * same kernel, made on the host (callers cache it), or empty when IMAGE has none: then
     * IMAGE is booted as it is.
     */
    Optional<byte[]> directBootImage(byte[] image);
}
