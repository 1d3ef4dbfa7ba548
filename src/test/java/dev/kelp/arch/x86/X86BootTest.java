package dev.kelp.arch.x86;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.arch.BootArch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

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
        assertThat(X86Boot.INSTANCE.boots(vmlinux)).isTrue();
        assertThat(X86Boot.INSTANCE.release(vmlinux)).isEmpty();
    }

    @Test
    void installedImageIsBootedAsX86AndNamesItsRelease() {
        byte[] head = BootArch.head(IMAGE);
        assertThat(head).hasSize(BootArch.HEAD_SIZE);
        assertThat(BootArch.forImage(IMAGE)).isSameAs(X86Boot.INSTANCE);
        assertThat(X86Boot.INSTANCE.release(head)).contains(RELEASE);
        assertThat(BootArch.imageRelease(head)).contains(RELEASE);
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
}
