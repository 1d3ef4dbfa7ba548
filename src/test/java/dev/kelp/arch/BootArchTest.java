package dev.kelp.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelp.arch.registry.BootImages;
import dev.kelp.arch.registry.Machines;
import dev.kelp.arch.x86.X86Boot;
import dev.kelp.util.KelpException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Choosing how to boot a kernel image, and refusing the ones kelp test cannot boot. */
class BootArchTest {
    /** Firmware of other machines that Debian's qemu-system-data (a dependency of qemu-system-x86) ships. */
    private static final Path RISCV_ELF = Path.of("/usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.elf");
    private static final Path S390_ELF = Path.of("/usr/share/qemu/s390-ccw.img");

    private static final String SUPPORTED = "kelp test boots x86-64 kernels only (an x86 bzImage or an x86-64 ELF"
            + " vmlinux)";

    @Test
    void x86IsTheOnlySupportedArchitecture() {
        assertThat(Machines.boots()).containsExactly(X86Boot.INSTANCE);
        assertThat(BootImages.releaseFormats()).isEqualTo("an x86 bzImage");
    }

    @Test
    void elfImagesOfOtherMachinesAreRefusedNamingTheMachine() {
        for (Path file : new Path[] {RISCV_ELF, S390_ELF}) {
            assertThatThrownBy(() -> BootImages.forImage(file)).isInstanceOf(KelpException.class)
                    .hasMessage(file + ": a kernel image for " + (file == RISCV_ELF ? "riscv (ELF machine 243)"
                            : "s390 (ELF machine 22)") + "; " + SUPPORTED)
                    .extracting(e -> ((KelpException) e).exitCode()).isEqualTo(KelpException.UNSUPPORTED);
        }
    }

    /** Reading the kernel ELF out of an image (kallsyms) refuses other machines the same way. */
    @Test
    void kernelElfOfOtherMachinesIsRefusedNamingTheMachine() throws Exception {
        byte[] riscv = Files.readAllBytes(RISCV_ELF);
        assertThatThrownBy(() -> BootImages.imageKernelElf(RISCV_ELF, riscv)).isInstanceOf(KelpException.class)
                .hasMessage(RISCV_ELF + ": a kernel image for riscv (ELF machine 243); kelp reads the kernel of x86-64"
                        + " images only (an x86 bzImage); pass --vmlinux or --kallsyms instead")
                .extracting(e -> ((KelpException) e).exitCode()).isEqualTo(KelpException.UNSUPPORTED);
    }

    /** Debian's arm64 vmlinuz is a gzip-compressed Image: its header (booting.rst) has "ARM\x64" at 0x38. */
    @Test
    void arm64ImageGzIsRefusedNamingTheMachine(@TempDir Path tmp) throws Exception {
        ByteBuffer header = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0, 0x91005a4d); // code0: "MZ" + add x13, x18, #0x16 (the EFI stub's form)
        header.putLong(0x08, 0); // text_offset
        header.putLong(0x10, 4096); // image_size
        header.putLong(0x18, 0xa); // flags: little-endian, 4K pages, anywhere
        header.putInt(0x38, 0x644d5241); // "ARM\x64"
        Path imageGz = tmp.resolve("vmlinuz-arm64");
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(header.array());
        }
        Files.write(imageGz, gz.toByteArray());
        Path image = Files.write(tmp.resolve("Image"), header.array());

        assertThatThrownBy(() -> BootImages.forImage(imageGz)).hasMessage(imageGz + ": a kernel image for arm64"
                + " (Image.gz); " + SUPPORTED);
        assertThatThrownBy(() -> BootImages.forImage(image)).hasMessage(image + ": a kernel image for arm64"
                + " (Image); " + SUPPORTED);
    }

    @Test
    void anythingElseIsNotAKernelImage(@TempDir Path tmp) throws Exception {
        Path text = Files.writeString(tmp.resolve("vmlinuz"), "not a kernel\n".repeat(100));
        assertThatThrownBy(() -> BootImages.forImage(text)).isInstanceOf(KelpException.class)
                .hasMessage(text + ": not a kernel image kelp test can boot (expected an x86 bzImage or an x86-64"
                        + " ELF vmlinux)")
                .extracting(e -> ((KelpException) e).exitCode()).isEqualTo(KelpException.ERROR);
        assertThat(BootImages.imageRelease("x".repeat(4096).getBytes(StandardCharsets.US_ASCII))).isEmpty();
        assertThat(ImageMachine.of(new byte[0])).isEmpty();
    }
}
