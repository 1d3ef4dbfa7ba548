package dev.kelp.qemu;

import dev.kelp.arch.BootArch;
import dev.kelp.arch.registry.BootImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Chooses the file QEMU boots. A distribution's kernel image may boot slowly under software
 * emulation (an x86 bzImage spends about 3 s of CPU decompressing itself, half of the whole
 * boot); when the architecture knows a faster form of the same kernel
 * ({@link BootArch#directBootImage}, x86: the vmlinux through PVH), kelp makes it once on the
 * host, caches it by the image's SHA-256, and boots that.
 */
final class BootImage {
    /** The file to boot, and how it was obtained (for the progress line). */
    record Choice(Path file, String how) {}

    private BootImage() {}

    /** {@link #choose(BootArch, Path, Path)} for the architecture IMAGE is built for. */
    static Choice choose(Path image, Path cache) {
        return choose(BootImages.forImage(image), image, cache);
    }

    /**
     * The faster form of IMAGE from CACHE (made there on first use), or IMAGE itself when ARCH
     * has none for it.
     */
    static Choice choose(BootArch arch, Path image, Path cache) {
        try {
            byte[] bytes = Files.readAllBytes(image);
            String key = sha256(bytes).substring(0, 24);
            Path cached = cache.resolve(key);
            if (Files.isRegularFile(cached)) {
                return new Choice(cached, arch.directBootName() + ", cached");
            }
            Optional<byte[]> direct = arch.directBootImage(bytes);
            if (direct.isEmpty()) {
                return new Choice(image, "image as given");
            }
            Files.createDirectories(cache);
            Path tmp = Files.createTempFile(cache, "vmlinux-", ".tmp");
            try {
                Files.write(tmp, direct.get());
                move(tmp, cached);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return new Choice(cached, arch.directBootName() + ", decompressed now");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The default cache: $XDG_CACHE_HOME/kelp/vmlinux or ~/.cache/kelp/vmlinux. */
    static Path defaultCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("kelp").resolve("vmlinux");
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
