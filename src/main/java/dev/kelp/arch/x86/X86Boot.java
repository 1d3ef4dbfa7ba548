package dev.kelp.arch.x86;

import dev.kelp.arch.BootArch;
import dev.kelp.elf.Elf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * An x86-64 guest on QEMU's default PC machine, with the console on the first serial port
 * (ttyS0, connected to QEMU's stdio). Debian ships a bzImage; under TCG it spends about 3 s of
 * CPU decompressing itself, so when its payload is an xz- or gzip-compressed vmlinux with a PVH
 * entry note, the vmlinux is booted directly through PVH instead: the same kernel code, entered
 * without the decompressor.
 */
public final class X86Boot implements BootArch {
    public static final X86Boot INSTANCE = new X86Boot();

    private X86Boot() {}

    @Override
    public String name() {
        return "x86-64";
    }

    /** A bzImage (boot header "HdrS"), or an ELF file for EM_X86_64 (a vmlinux booted through PVH). */
    @Override
    public boolean boots(byte[] head) {
        return BzImage.is(head) || isX86_64Elf(head);
    }

    @Override
    public String imageFormats() {
        return "an x86 bzImage or an x86-64 ELF vmlinux";
    }

    @Override
    public String releaseFormat() {
        return "an x86 bzImage";
    }

    /** The setup header's kernel_version string (see {@link BzImage}); an ELF vmlinux has none. */
    @Override
    public Optional<String> release(byte[] head) {
        return BzImage.release(head);
    }

    /** The payload of a bzImage, decompressed (see {@link BzImage}: gzip and xz, protocol 2.08 and later). */
    @Override
    public byte[] kernelElf(Path file, byte[] image) {
        return BzImage.kernelElf(file.toString(), image);
    }

    @Override
    public String notKernelImage() {
        return "not an x86 bzImage (no 'HdrS' boot header at 0x202)";
    }

    @Override
    public String qemuSystem() {
        return "qemu-system-x86_64";
    }

    @Override
    public String qemuPackage() {
        return "qemu-system-x86";
    }

    @Override
    public List<String> accelerators() {
        return List.of("tcg", "kvm");
    }

    /** QEMU's default machine (pc); under KVM the host's CPU, under TCG every feature TCG emulates. */
    @Override
    public List<String> machineOptions(String accel) {
        return List.of("-cpu", accel.equals("kvm") ? "host" : "max");
    }

    @Override
    public List<String> consoleOptions() {
        return List.of("-serial", "stdio");
    }

    @Override
    public String kernelConsole() {
        return "console=ttyS0";
    }

    @Override
    public String directBootName() {
        return "PVH vmlinux";
    }

    /**
     * The vmlinux inside a bzImage, when the payload is xz or gzip (kelp decompresses those) and
     * carries the PVH entry note. A payload that fails to decompress is left to the image's own
     * decompressor, whose complaint then shows on the console.
     */
    @Override
    public Optional<byte[]> directBootImage(byte[] image) {
        return BzImage.payload(image).filter(PvhEntry::present);
    }

    private static boolean isX86_64Elf(byte[] head) {
        return head.length >= 20 && Elf.hasMagic(head)
                && head[4] == Elf.ELFCLASS64 && head[5] == Elf.ELFDATA2LSB
                && ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getShort(Elf.E_MACHINE) == Elf.EM_X86_64;
    }
}
