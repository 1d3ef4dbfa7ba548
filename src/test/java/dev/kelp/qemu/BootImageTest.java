package dev.kelp.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelp.arch.registry.BootImages;
import dev.kelp.util.KelpException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootImageTest {
    private static final Path IMAGE = KernelTarget.resolve(null, null).vmlinuz();

    @Test
    void decompressesOnceThenUsesTheCache(@TempDir Path cache) throws Exception {
        BootImage.Choice first = BootImage.choose(IMAGE, cache);
        BootImage.Choice second = BootImage.choose(BootImages.forImage(IMAGE), IMAGE, cache);

        assertThat(first.how()).isEqualTo("PVH vmlinux, decompressed now");
        assertThat(second.how()).isEqualTo("PVH vmlinux, cached");
        assertThat(second.file()).isEqualTo(first.file());
        assertThat(Files.readAllBytes(first.file())).startsWith(0x7f, 'E', 'L', 'F');
        // The vmlinux is booted with the same machine as the image it came from.
        assertThat(BootImages.forImage(first.file())).isSameAs(BootImages.forImage(IMAGE));
        try (var files = Files.list(cache)) {
            assertThat(files).containsExactly(first.file());
        }
    }

    @Test
    void anythingElseIsBootedAsItIs(@TempDir Path cache) {
        assertThat(BootImage.choose(Initramfs.BUSYBOX, cache)).isEqualTo(new BootImage.Choice(Initramfs.BUSYBOX,
                "image as given"));
    }

    @Test
    void imageOfAnotherMachineIsRefused(@TempDir Path cache) {
        Path riscv = Path.of("/usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.elf");
        assertThatThrownBy(() -> BootImage.choose(riscv, cache)).isInstanceOf(KelpException.class)
                .hasMessageStartingWith(riscv + ": a kernel image for riscv (ELF machine 243); kelp test boots");
    }
}
