package dev.kelp.diff;

import dev.kelp.qemu.KernelTarget;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real linked kernel objects (the installed Debian kernel's modules: one .text, every special
 * section the 6.1 build emits) diffed against themselves are no-change, and a checksum listing
 * covers every function.
 */
class DebianModuleSelfDiffTest {
    static Stream<Path> modules() throws IOException {
        // the installed kernel kelp test boots by default (the newest in version order)
        Path k = KernelTarget.resolve(null, null).modulesDir().resolve("kernel");
        List<Path> picked = List.of(k.resolve("fs/btrfs/btrfs.ko"), k.resolve("arch/x86/kvm/kvm.ko"),
                k.resolve("fs/xfs/xfs.ko"));
        for (Path p : picked) {
            assertThat(p).as("Debian kernel module (linux-image-amd64 installed)").exists();
        }
        return picked.stream();
    }

    @ParameterizedTest
    @MethodSource("modules")
    void moduleAgainstItselfIsNoChange(Path ko) {
        DiffResult r = new Differ(DiffOptions.defaults()).diff(ko, ko);
        assertThat(r.outcome()).as(ko + " " + r.changed() + r.added() + r.problems())
                .isEqualTo(DiffResult.Outcome.NO_CHANGE);
        assertThat(ChecksumListing.compare(ko, ko)).isEmpty();
        assertThat(ChecksumListing.of(ko)).hasSizeGreaterThan(100);
    }
}
