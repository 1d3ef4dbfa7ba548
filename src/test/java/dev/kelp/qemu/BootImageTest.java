package dev.kelp.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootImageTest {
    private static final Path IMAGE = KernelTarget.resolve(null, null).vmlinuz();

    /** The kernel's build appends the uncompressed size to the payload: the decompressed vmlinux matches it. */
    @Test
    void payloadOfTheInstalledImageIsItsVmlinux() throws Exception {
        byte[] image = Files.readAllBytes(IMAGE);
        byte[] vmlinux = BzImage.payload(image).orElseThrow();

        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int setupSects = image[0x1F1] == 0 ? 4 : Byte.toUnsignedInt(image[0x1F1]);
        int payloadEnd = (setupSects + 1) * 512 + b.getInt(0x248) + b.getInt(0x24C);
        assertThat(vmlinux.length).isEqualTo(b.getInt(payloadEnd - 4));
        ElfPeek elf = ElfPeek.of("vmlinux", vmlinux);
        assertThat(elf.hasNote("Xen", 18)).isTrue();
        assertThat(elf.hasNote("Xen", 999)).isFalse();
    }

    @Test
    void decompressesOnceThenUsesTheCache(@TempDir Path cache) throws Exception {
        BootImage.Choice first = BootImage.choose(IMAGE, cache);
        BootImage.Choice second = BootImage.choose(IMAGE, cache);

        assertThat(first.how()).isEqualTo("PVH vmlinux, decompressed now");
        assertThat(second.how()).isEqualTo("PVH vmlinux, cached");
        assertThat(second.file()).isEqualTo(first.file());
        assertThat(Files.readAllBytes(first.file())).startsWith(0x7f, 'E', 'L', 'F');
        try (var files = Files.list(cache)) {
            assertThat(files).containsExactly(first.file());
        }
    }

    @Test
    void anythingElseIsBootedAsItIs(@TempDir Path cache) {
        assertThat(BootImage.choose(Initramfs.BUSYBOX, cache)).isEqualTo(new BootImage.Choice(Initramfs.BUSYBOX,
                "image as given"));
    }
}
