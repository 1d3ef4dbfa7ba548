package dev.kelp.qemu;

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
 * Chooses the file QEMU boots. A bzImage decompresses itself, and under software emulation that
 * costs about 3 s of CPU per boot, half of the whole boot. When the compressed payload inside
 * is an ELF vmlinux with a PVH entry point (Xen note PHYS32_ENTRY, CONFIG_PVH=y as in Debian),
 * kelp decompresses it once on the host, caches it by the image's SHA-256, and QEMU boots it
 * directly through PVH: the same kernel code, entered without the decompressor.
 */
final class BootImage {
    /** XEN_ELFNOTE_PHYS32_ENTRY: the 32-bit entry point used by PVH boot. */
    private static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;

    /** The file to boot, and how it was obtained (for the progress line). */
    record Choice(Path file, String how) {}

    private BootImage() {}

    /**
     * The uncompressed vmlinux of BZIMAGE from CACHE (made there on first use), or BZIMAGE itself
     * when its payload is not a PVH-capable ELF in a format kelp can decompress (xz, gzip).
     */
    static Choice choose(Path bzImage, Path cache) {
        try {
            byte[] image = Files.readAllBytes(bzImage);
            String key = sha256(image).substring(0, 24);
            Path cached = cache.resolve(key);
            if (Files.isRegularFile(cached)) {
                return new Choice(cached, "PVH vmlinux, cached");
            }
            Optional<byte[]> vmlinux = BzImage.payload(image);
            if (vmlinux.isEmpty() || !isPvhElf(vmlinux.get())) {
                return new Choice(bzImage, "image as given");
            }
            Files.createDirectories(cache);
            Path tmp = Files.createTempFile(cache, "vmlinux-", ".tmp");
            try {
                Files.write(tmp, vmlinux.get());
                move(tmp, cached);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return new Choice(cached, "PVH vmlinux, decompressed now");
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

    private static boolean isPvhElf(byte[] vmlinux) {
        try {
            return ElfPeek.of("vmlinux", vmlinux).hasNote("Xen", XEN_ELFNOTE_PHYS32_ENTRY);
        } catch (RuntimeException notElf) {
            return false;
        }
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
