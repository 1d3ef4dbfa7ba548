package dev.kelp.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelp.util.KelpException;
import dev.kelp.util.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetTest {

    @Test
    void discoversTheInstalledDebianKernel() {
        Target t = Target.discover(Optional.empty(), Optional.empty());
        String installed = Proc.of("dpkg-query", "-W", "-f=${Package}\\n", "linux-image-6*-amd64").check("dpkg").stdout();
        assertThat(installed).contains("linux-image-" + t.release());
        assertThat(t.headersDir()).isEqualTo(Path.of("/usr/src/linux-headers-" + t.release()));
        assertThat(t.compiler()).isEqualTo("gcc-12");
        assertThat(t.version()).startsWith("6.1.");
        assertThat(t.debianVersion()).get().asString().startsWith(t.version() + "-");
        assertThat(t.source()).isEqualTo(Path.of("/usr/src/linux-source-6.1.tar.xz"));
        t.checkCompiler();
        t.checkSourcePackage();
    }

    @Test
    void vermagicIsTheInstalledModulesAndMatchesTheConfig() {
        Target t = Target.discover(Optional.empty(), Optional.empty());
        String xfs = Proc.of("modinfo", "-F", "vermagic", "xfs", "-k", t.release()).check("modinfo").stdout().strip();
        assertThat(t.vermagic()).isEqualTo(xfs);
        assertThat(Target.vermagicFromConfig(t.release(), t.config())).isEqualTo(xfs);
    }

    @Test
    void aDifferentCompilerVersionIsRefusedNamingThePackage() {
        Target t = Target.discover(Optional.empty(), Optional.empty());
        String text = t.compilerVersionText().replace("12.2.0-", "12.2.0-999");
        KernelConfig other = KernelConfig.parse(t.config().file(), "CONFIG_CC_VERSION_TEXT=\"" + text + "\"\n");
        Target wrong = new Target(t.release(), t.version(), t.debianVersion(), t.headersDir(), other, t.symvers(),
                t.modulesDir(), t.image(), t.vermagic(), t.compiler(), t.source());
        assertThatThrownBy(wrong::checkCompiler).isInstanceOf(KelpException.class)
                .hasMessageContaining("was built with '" + text + "'")
                .hasMessageContaining("apt-get install gcc-12=12.2.0-999");
    }

    @Test
    void aMissingCompilerIsRefusedNamingThePackage() {
        Target t = Target.discover(Optional.empty(), Optional.empty());
        KernelConfig other = KernelConfig.parse(t.config().file(), "CONFIG_CC_VERSION_TEXT=\"gcc-77 (Debian 77.1-1) 77.1\"\n");
        Target wrong = new Target(t.release(), t.version(), t.debianVersion(), t.headersDir(), other, t.symvers(),
                t.modulesDir(), t.image(), t.vermagic(), "gcc-77", t.source());
        assertThatThrownBy(wrong::checkCompiler).hasMessageContaining("gcc-77 is not installed")
                .hasMessageEndingWith("install it with 'apt-get install gcc-77=77.1-1'");
    }

    @Test
    void sourceOfAnotherVersionIsRefused(@TempDir Path dir) throws Exception {
        Target t = Target.discover(Optional.empty(), Optional.empty());
        Files.writeString(dir.resolve("Makefile"), "VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 170\nEXTRAVERSION =\n");
        assertThatThrownBy(() -> t.checkSourceVersion(dir)).isInstanceOf(KelpException.class)
                .hasMessageContaining("is Linux 6.1.170, but kernel " + t.release() + " is Linux " + t.version())
                .hasMessageContaining("apt-get install linux-source-6.1=" + t.debianVersion().orElseThrow());
    }

    @Test
    void missingHeadersOrImageAreNamed(@TempDir Path root) throws Exception {
        Target.Layout layout = new Target.Layout(root);
        assertThatThrownBy(() -> Target.discover(layout, Optional.empty(), Optional.empty()))
                .hasMessageContaining("no kernel with both linux-image-RELEASE and linux-headers-RELEASE installed");
        Files.createDirectories(root.resolve("lib/modules/6.1.0-9-amd64"));
        Files.createDirectories(root.resolve("usr/src/linux-headers-6.1.0-9-amd64"));
        Files.writeString(root.resolve("usr/src/linux-headers-6.1.0-9-amd64/.config"), "CONFIG_X=y\n");
        assertThatThrownBy(() -> Target.discover(layout, Optional.of("6.1.0-9-amd64"), Optional.empty()))
                .hasMessageContaining("apt-get install linux-image-6.1.0-9-amd64");
        assertThatThrownBy(() -> Target.discover(layout, Optional.of("6.1.0-7-amd64"), Optional.empty()))
                .hasMessageContaining("apt-get install linux-headers-6.1.0-7-amd64")
                .hasMessageNotContaining("installed one");
    }

    @Test
    void aMissingSourceGivenWithSourceIsNamedAsSuch(@TempDir Path dir) {
        Path missing = dir.resolve("linux-source-6.1.tar.xz");
        Target t = Target.discover(Optional.empty(), Optional.empty());
        assertThatThrownBy(() -> Target.discover(Optional.empty(), Optional.of(missing)))
                .hasMessage(missing + ": no such file or directory (--source takes a kernel source tarball or directory of"
                        + " Linux " + t.version() + ")");
    }

    @Test
    void aReleaseThatIsNotInstalledNamesTheInstalledOnes(@TempDir Path root) throws Exception {
        Target.Layout layout = new Target.Layout(root);
        for (String r : new String[] {"6.1.0-10-amd64", "6.1.0-9-amd64"}) {
            Files.createDirectories(root.resolve("lib/modules/" + r));
            Files.createDirectories(root.resolve("usr/src/linux-headers-" + r));
            Files.writeString(root.resolve("usr/src/linux-headers-" + r + "/.config"), "CONFIG_X=y\n");
            Files.createDirectories(root.resolve("boot"));
            Files.writeString(root.resolve("boot/vmlinuz-" + r), "image");
        }
        assertThatThrownBy(() -> Target.discover(layout, Optional.of("6.1.0-56-amd64"), Optional.empty()))
                .hasMessage("kernel 6.1.0-56-amd64: no headers in " + root.resolve("usr/src/linux-headers-6.1.0-56-amd64")
                        + ": install them with 'apt-get install linux-headers-6.1.0-56-amd64'; or target an installed one:"
                        + " --kernel 6.1.0-9-amd64, 6.1.0-10-amd64");
    }
}
