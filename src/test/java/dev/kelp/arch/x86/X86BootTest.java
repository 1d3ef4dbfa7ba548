package dev.kelp.arch.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelp.arch.BootArch;
import dev.kelp.arch.registry.BootImages;
import dev.kelp.util.KelpException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How kelp test boots x86-64, checked on the installed Debian kernel image. */
class X86BootTest {
    private static final String RELEASE = DebianModules.kernelDir().getParent().getFileName().toString();
    private static final Path IMAGE = Path.of("/boot/vmlinuz-" + RELEASE);
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    /** The kernel's build appends the uncompressed size to the payload: the decompressed vmlinux matches it. */
    @Test
    void payloadOfTheInstalledImageIsItsPvhVmlinux() throws Exception {
        byte[] image = Files.readAllBytes(IMAGE);
        byte[] vmlinux = BzImage.payload(image).orElseThrow();

        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int setupSects = image[0x1F1] == 0 ? 4 : Byte.toUnsignedInt(image[0x1F1]);
        int payloadEnd = (setupSects + 1) * 512 + b.getInt(0x248) + b.getInt(0x24C);
        assertThat(vmlinux.length).isEqualTo(b.getInt(payloadEnd - 4));
        assertThat(PvhEntry.present(vmlinux)).isTrue();
        assertThat(PvhEntry.hasNote(vmlinux, "Xen", 999)).isFalse();
        assertThat(PvhEntry.hasNote(vmlinux, "Xe", PvhEntry.XEN_ELFNOTE_PHYS32_ENTRY)).isFalse();
        // The bzImage's own bytes and a static program have no such note.
        assertThat(PvhEntry.present(image)).isFalse();
        assertThat(PvhEntry.present(Files.readAllBytes(BUSYBOX))).isFalse();

        assertThat(X86Boot.INSTANCE.directBootImage(image)).hasValueSatisfying(v -> assertThat(v).isEqualTo(vmlinux));
        assertThat(X86Boot.INSTANCE.kernelElf(IMAGE, image)).isEqualTo(vmlinux);
        assertThat(BootImages.imageKernelElf(IMAGE, image)).isEqualTo(vmlinux);
        assertThat(X86Boot.INSTANCE.boots(vmlinux)).isTrue();
        assertThat(X86Boot.INSTANCE.release(vmlinux)).isEmpty();
    }

    @Test
    void installedImageIsBootedAsX86AndNamesItsRelease() {
        byte[] head = BootArch.head(IMAGE);
        assertThat(head).hasSize(BootArch.HEAD_SIZE);
        assertThat(BootImages.forImage(IMAGE)).isSameAs(X86Boot.INSTANCE);
        assertThat(X86Boot.INSTANCE.release(head)).contains(RELEASE);
        assertThat(BootImages.imageRelease(head)).contains(RELEASE);
    }

    @Test
    void imagesWithoutAPvhVmlinuxAreBootedAsTheyAre() throws Exception {
        byte[] image = Files.readAllBytes(IMAGE);
        // The same image with its payload cut short: the xz stream is corrupt.
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int setupSects = image[0x1F1] == 0 ? 4 : Byte.toUnsignedInt(image[0x1F1]);
        int payload = (setupSects + 1) * 512 + b.getInt(0x248);
        byte[] corrupt = image.clone();
        Arrays.fill(corrupt, payload + 64, payload + 4096, (byte) 0x55);

        assertThat(X86Boot.INSTANCE.boots(corrupt)).isTrue();
        assertThat(X86Boot.INSTANCE.directBootImage(corrupt)).isEmpty();
        assertThat(X86Boot.INSTANCE.directBootImage(Files.readAllBytes(BUSYBOX))).isEmpty();
        assertThat(X86Boot.INSTANCE.boots(Files.readAllBytes(BUSYBOX))).isTrue();
    }

    /**
     * Images without a payload kelp reads: the boot code boots them as they are (empty), kallsyms
     * reading gets one line naming the file, what is wrong and what to pass instead.
     */
    @Test
    void imagesWithoutAReadablePayloadAreRefusedNamingTheReason(@TempDir Path tmp) throws Exception {
        byte[] image = Files.readAllBytes(IMAGE);
        int payload = payloadStart(image);
        Path file = tmp.resolve("vmlinuz");

        byte[] old = image.clone();
        ByteBuffer.wrap(old).order(ByteOrder.LITTLE_ENDIAN).putShort(0x206, (short) 0x0207);
        assertRefused(file, old, "boot protocol 2.7 has no payload_offset (needs 2.08 or later); pass --vmlinux or"
                + " --kallsyms instead");

        assertRefused(file, Arrays.copyOf(image, 1 << 20), "payload_offset/payload_length point outside the file");

        byte[] zstd = image.clone();
        System.arraycopy(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd}, 0, zstd, payload, 4);
        assertRefused(file, zstd, "the kernel payload is zstd-compressed; kelp reads gzip and xz kernels. Decompress"
                + " it with scripts/extract-vmlinux and pass --vmlinux, or pass --kallsyms");

        byte[] unknown = image.clone();
        System.arraycopy(new byte[] {0x00, 0x11, 0x22, 0x33, 0x44, 0x55}, 0, unknown, payload, 6);
        assertRefused(file, unknown, "unknown compression of the kernel payload (magic 00 11 22 33); pass --vmlinux"
                + " or --kallsyms instead");

        byte[] corrupt = image.clone();
        Arrays.fill(corrupt, payload + 64, payload + 4096, (byte) 0x55);
        assertThatThrownBy(() -> X86Boot.INSTANCE.kernelElf(file, corrupt)).isInstanceOf(KelpException.class)
                .hasMessageStartingWith(file + ": cannot decompress the xz kernel payload: ");

        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write("a gzip payload that is no ELF file\n".repeat(10).getBytes(StandardCharsets.US_ASCII));
        }
        byte[] notElf = Arrays.copyOf(image, payload + gz.size() + 4);
        System.arraycopy(gz.toByteArray(), 0, notElf, payload, gz.size());
        ByteBuffer.wrap(notElf).order(ByteOrder.LITTLE_ENDIAN).putInt(0x24C, gz.size() + 4)
                .putInt(payload + gz.size(), 370);
        assertRefused(file, notElf, "the decompressed payload is not an ELF vmlinux");
    }

    /** A vmlinux (busybox stands in for an x86-64 ELF file) or any other file is no bzImage: it has no payload. */
    @Test
    void filesWithoutABootHeaderHaveNoKernelElf(@TempDir Path tmp) throws Exception {
        byte[] busybox = Files.readAllBytes(BUSYBOX);
        assertThatThrownBy(() -> BootImages.imageKernelElf(BUSYBOX, busybox)).isInstanceOf(KelpException.class)
                .hasMessage(BUSYBOX + ": not an x86 bzImage (no 'HdrS' boot header at 0x202)");
        assertThat(BzImage.payload(busybox)).isEmpty();
        Path text = Files.writeString(tmp.resolve("config"), "CONFIG_X86_64=y\n".repeat(100));
        assertThatThrownBy(() -> BootImages.imageKernelElf(text, Files.readAllBytes(text)))
                .isInstanceOf(KelpException.class)
                .hasMessage(text + ": not an x86 bzImage (no 'HdrS' boot header at 0x202)")
                .extracting(e -> ((KelpException) e).exitCode()).isEqualTo(KelpException.ERROR);
        // A boot header on a file too short to hold the payload fields.
        byte[] tiny = Arrays.copyOf(Files.readAllBytes(IMAGE), 0x250);
        assertThat(X86Boot.INSTANCE.boots(tiny)).isTrue();
        assertThatThrownBy(() -> X86Boot.INSTANCE.kernelElf(text, tiny))
                .hasMessage(text + ": not an x86 bzImage (no 'HdrS' boot header at 0x202)");
    }

    private static void assertRefused(Path file, byte[] image, String reason) {
        assertThatThrownBy(() -> X86Boot.INSTANCE.kernelElf(file, image)).isInstanceOf(KelpException.class)
                .hasMessage(file + ": " + reason)
                .extracting(e -> ((KelpException) e).exitCode()).isEqualTo(KelpException.ERROR);
        assertThat(BzImage.payload(image)).as(reason).isEmpty();
        assertThat(X86Boot.INSTANCE.directBootImage(image)).as(reason).isEmpty();
    }

    private static int payloadStart(byte[] image) {
        int setupSects = image[0x1F1] == 0 ? 4 : Byte.toUnsignedInt(image[0x1F1]);
        return (setupSects + 1) * 512 + ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).getInt(0x248);
    }
}
