package dev.kelp.arch;

import dev.kelp.elf.Elf;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * Names the machine a kernel image is built for from the header of its format, so that an image
 * kelp cannot boot is refused naming its machine: an ELF vmlinux (e_machine), an arm64 or
 * RISC-V {@code Image} (Documentation/arch/arm64/booting.rst, riscv/boot-image-header.rst:
 * magic at 0x38), the same gzip-compressed ({@code Image.gz}, Debian's arm64 vmlinuz), or an
 * EFI PE/COFF image (the Machine field of its COFF header).
 */
public final class ImageMachine {
    private static final int ARM64_MAGIC = 0x644d5241; // "ARM\x64"
    private static final int RISCV_MAGIC2 = 0x05435352; // "RSC\x05"

    private static final Map<Integer, String> PE_MACHINES = Map.of(
            0x014c, "i386", 0x8664, "x86-64", 0xaa64, "arm64", 0x5064, "riscv64", 0x6264, "loongarch64");

    private ImageMachine() {}

    /** "aarch64 (ELF machine 183)", "arm64 (Image)", …, or empty when the format is unknown. */
    public static Optional<String> of(byte[] head) {
        return of(head, true);
    }

    private static Optional<String> of(byte[] head, boolean mayInflate) {
        if (head.length >= 20 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F') {
            ByteOrder order = head[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            int machine = Short.toUnsignedInt(ByteBuffer.wrap(head).order(order).getShort(Elf.E_MACHINE));
            return Optional.of(ElfMachines.name(machine) + " (ELF machine " + machine + ")");
        }
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        if (head.length >= 0x40 && b.getInt(0x38) == ARM64_MAGIC) {
            return Optional.of("arm64 (Image)");
        }
        if (head.length >= 0x40 && b.getInt(0x38) == RISCV_MAGIC2) {
            return Optional.of("riscv (Image)");
        }
        if (head.length >= 0x40 && head[0] == 'M' && head[1] == 'Z') {
            long pe = Integer.toUnsignedLong(b.getInt(0x3c));
            if (pe + 6 <= head.length && b.getInt((int) pe) == 0x00004550) { // "PE\0\0"
                int machine = Short.toUnsignedInt(b.getShort((int) pe + 4));
                return Optional.of(PE_MACHINES.getOrDefault(machine, "PE machine 0x" + Integer.toHexString(machine))
                        + " (EFI PE image)");
            }
        }
        if (mayInflate && head.length >= 2 && head[0] == 0x1f && head[1] == (byte) 0x8b) {
            return inflatedHead(head).flatMap(h -> of(h, false)).map(m -> m.replace(" (Image)", " (Image.gz)"));
        }
        return Optional.empty();
    }

    /** The first bytes of a gzip stream's contents; empty if even they cannot be inflated. */
    private static Optional<byte[]> inflatedHead(byte[] gzip) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            return Optional.of(in.readNBytes(0x1000));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
