package dev.kelp.symbols;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.qemu.KallsymsCapture;
import dev.kelp.qemu.KernelTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which /proc/kallsyms listing the kernel tests compare with: the stored one serves only the
 * build it was captured from; for any other installed build (a newer Debian ABI, or a rebuild
 * under the same release) the installed image is booted in QEMU and captured, once per cache.
 * The stored listing is presented here as another release's, so this runs the capture path
 * whatever kernel is installed.
 */
class CapturedKernelTest {
    static final String OTHER_RELEASE = "6.1.0-0-other-amd64";

    /** One capture for the whole class: a fresh cache, so the boot really happens here. */
    @TempDir
    static Path cache;

    /** The stored resources, renamed as if captured from another release. */
    private static Path storedAsAnotherRelease(Path dir) throws IOException {
        Path stored = CapturedKernel.storedDir();
        try (Stream<Path> s = Files.list(stored)) {
            for (Path f : s.filter(p -> p.getFileName().toString().startsWith("proc-")).toList()) {
                String name = f.getFileName().toString();
                String release = name.replaceFirst("^proc-(version|kallsyms-modules|kallsyms)-", "")
                        .replaceFirst("\\.txt(\\.xz)?$", "");
                Files.copy(f, dir.resolve(name.replace(release, OTHER_RELEASE)));
            }
        }
        assertThat(dir.resolve(KallsymsCapture.versionFile(OTHER_RELEASE))).isRegularFile();
        return dir;
    }

    @Test
    void anotherReleasesListingIsNotUsedTheInstalledImageIsCaptured(@TempDir Path dir) throws IOException {
        KernelTarget target = CapturedKernel.target();
        CapturedKernel k = CapturedKernel.select(target, storedAsAnotherRelease(dir), cache);

        assertThat(k.stored).isFalse();
        assertThat(k.dir).startsWith(cache);
        // The guest was this very image: /proc/version is its banner, kallsyms what kelp reads in it.
        assertThat(k.procVersion).isEqualTo(CapturedKernel.banner(target.vmlinuz())).contains(target.release());
        KernelSymbols db = KernelSymbols.load(new SymbolSource.Vmlinuz(target.vmlinuz()));
        assertThat(k.vmlinuxLines()).hasSizeGreaterThan(10_000).isEqualTo(db.symbols(KernelSymbols.VMLINUX).stream()
                .map(s -> s.hexAddress() + " " + s.type() + " " + s.name()).toList());
        assertThat(k.moduleLines()).containsOnlyKeys(KallsymsCapture.MODULES)
                .allSatisfy((m, lines) -> assertThat(lines).hasSizeGreaterThan(10));

        // Two boots of one image list the same: the capture agrees with the listing the other
        // kernel tests use (the stored one when this build is the stored one's).
        CapturedKernel used = CapturedKernel.find();
        assertThat(used.procVersion).isEqualTo(k.procVersion);
        assertThat(k.vmlinuxLines()).isEqualTo(used.vmlinuxLines());
        assertThat(k.moduleLines()).isEqualTo(used.moduleLines());

        // Cached: the next selection boots nothing and finds the same files.
        long modified = Files.getLastModifiedTime(k.procKallsyms()).toMillis();
        CapturedKernel again = CapturedKernel.select(target, dir, cache);
        assertThat(again.dir).isEqualTo(k.dir);
        assertThat(Files.getLastModifiedTime(again.procKallsyms()).toMillis()).isEqualTo(modified);
    }

    @Test
    void aListingUnderTheSameReleaseFromAnotherBuildIsNotUsed(@TempDir Path dir) throws IOException {
        KernelTarget target = CapturedKernel.target();
        String banner = CapturedKernel.banner(target.vmlinuz());
        // Debian may rebuild without changing the ABI name: the banner (build date) tells them apart.
        Files.writeString(dir.resolve(KallsymsCapture.versionFile(target.release())),
                banner.replaceFirst("\\(\\d{4}-\\d{2}-\\d{2}\\)$", "(1999-01-01)") + " another build\n");
        Files.writeString(dir.resolve(KallsymsCapture.kallsymsFile(target.release())), "not used");
        CapturedKernel k = CapturedKernel.select(target, dir, cache);
        assertThat(k.stored).isFalse();
        assertThat(k.procVersion).isEqualTo(banner);
        assertThat(k.dir).startsWith(cache);
    }

    @Test
    void theListingOfTheInstalledBuildIsUsedAsStored(@TempDir Path dir, @TempDir Path emptyCache) throws IOException {
        KernelTarget target = CapturedKernel.target();
        String banner = CapturedKernel.banner(target.vmlinuz());
        Files.writeString(dir.resolve(KallsymsCapture.versionFile(target.release())), banner + "\n");
        Files.writeString(dir.resolve(KallsymsCapture.kallsymsFile(target.release())), "stored");
        CapturedKernel k = CapturedKernel.select(target, dir, emptyCache);
        assertThat(k.stored).isTrue();
        assertThat(k.procKallsyms()).hasContent("stored");
        try (Stream<Path> s = Files.list(emptyCache)) {
            assertThat(s.toList()).as("nothing captured").isEmpty();
        }
    }
}
