package dev.kelp.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelp.util.KelpException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelTargetTest {
    @Test
    void everyInstalledImageNamesItsOwnRelease() {
        List<String> installed = KernelTarget.installed();
        assertThat(installed).isNotEmpty();
        for (String release : installed) {
            assertThat(KernelTarget.imageRelease(Path.of("/boot/vmlinuz-" + release))).contains(release);
        }
    }

    @Test
    void defaultIsTheNewestInstalledRelease() {
        List<String> installed = KernelTarget.installed();
        KernelTarget target = KernelTarget.resolve(null, null);
        assertThat(target.release()).isEqualTo(installed.get(installed.size() - 1));
        assertThat(target.vmlinuz()).isRegularFile();
        assertThat(target.modulesDir().resolve("modules.dep")).isRegularFile();
        assertThat(KernelTarget.resolve(null, target.vmlinuz())).isEqualTo(target);
        assertThat(KernelTarget.resolve(target.release(), null)).isEqualTo(target);
    }

    @Test
    void missingKernelsAreNamed(@TempDir Path tmp) throws Exception {
        assertThatThrownBy(() -> KernelTarget.resolve("0.0.0-kelp", null)).isInstanceOf(KelpException.class)
                .hasMessageStartingWith("/boot/vmlinuz-0.0.0-kelp: no such kernel image; installed releases: [");
        Path notAnImage = Files.writeString(tmp.resolve("vmlinuz"), "x".repeat(4096));
        assertThatThrownBy(() -> KernelTarget.resolve(null, notAnImage)).isInstanceOf(KelpException.class)
                .hasMessage(notAnImage + ": no kernel version in the image header (not an x86 bzImage?);"
                        + " pass --kernel RELEASE");
    }
}
