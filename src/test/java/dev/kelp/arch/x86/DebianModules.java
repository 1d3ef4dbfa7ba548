package dev.kelp.arch.x86;

import dev.kelp.util.KernelReleases;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** The installed Debian kernel's modules (newest release under /lib/modules), for tests and benchmarks. */
final class DebianModules {
    /** Always in the sample: the biggest code in the tree and the ones named in the test plan. */
    private static final List<String> ALWAYS = List.of("xfs.ko", "kvm.ko", "kvm-intel.ko", "btrfs.ko", "ext4.ko",
            // hand-written assembly with SSE/AVX/AVX2 (VEX), AVX-512 (EVEX), SHA-NI, ADX, BMI2
            "aesni-intel.ko", "chacha-x86_64.ko", "poly1305-x86_64.ko", "sha512-ssse3.ko", "sha1-ssse3.ko",
            "camellia-aesni-avx2.ko", "curve25519-x86_64.ko",
            // VIA PadLock (0F A6 / 0F A7)
            "padlock-aes.ko", "padlock-sha.ko", "via-rng.ko");

    private DebianModules() {
    }

    static Path kernelDir() {
        Path root = Path.of("/lib/modules");
        try (Stream<Path> s = Files.list(root)) {
            Path newest = s.filter(p -> Files.isDirectory(p.resolve("kernel")))
                    .max(Comparator.comparing(p -> p.getFileName().toString(), KernelReleases::compare))
                    .orElseThrow(() -> new IllegalStateException(
                            "no kernel modules under /lib/modules: install linux-image-amd64 (scripts/install-deps)"));
            return newest.resolve("kernel");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A deterministic sample: the {@link #ALWAYS} modules, then every k-th module in path order
     * until {@code count} are chosen. Compressed modules (.ko.xz) are decompressed to a temp file.
     */
    static List<Path> sample(int count) {
        List<Path> all;
        try (Stream<Path> s = Files.walk(kernelDir())) {
            all = s.filter(p -> p.toString().endsWith(".ko") || p.toString().endsWith(".ko.xz")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<Path> chosen = new LinkedHashSet<>();
        for (Path p : all) {
            String name = p.getFileName().toString().replace(".xz", "");
            if (ALWAYS.contains(name)) {
                chosen.add(p);
            }
        }
        int step = Math.max(1, all.size() / Math.max(1, count - chosen.size()));
        for (int i = 0; i < all.size() && chosen.size() < count; i += step) {
            chosen.add(all.get(i));
        }
        List<Path> out = new ArrayList<>();
        for (Path p : chosen) {
            out.add(p.toString().endsWith(".xz") ? decompress(p) : p);
        }
        return out;
    }

    private static Path decompress(Path xz) {
        try (InputStream in = new org.tukaani.xz.XZInputStream(Files.newInputStream(xz))) {
            Path tmp = Files.createTempFile("kelp-", "-" + xz.getFileName().toString().replace(".xz", ""));
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return tmp;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
