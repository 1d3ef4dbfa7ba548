package dev.kelp.klp;

import dev.kelp.util.KelpException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * kelp's C header for livepatch authors ({@code kelp-livepatch.h}) as a directory for
 * {@code -I}. The header ships inside kelp's jar; it is copied once into a cache directory named
 * after its contents, so concurrent builds and kelp upgrades never see a half-written or stale
 * file.
 */
public final class KelpHeaders {
    public static final String HEADER = "kelp-livepatch.h";
    private static final String RESOURCE = "/include/" + HEADER;

    private KelpHeaders() {}

    /** The header's contents. */
    public static byte[] header() {
        try (InputStream in = KelpHeaders.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from kelp's classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new KelpException("cannot read kelp's " + HEADER + ": " + e.getMessage(), e);
        }
    }

    /** A directory holding kelp-livepatch.h (created on first use). */
    public static Path includeDir() {
        byte[] h = header();
        String tag = HexFormat.of().formatHex(Arrays.copyOf(sha256(h), 6));
        Path dir = cacheRoot().resolve("include-" + tag);
        Path file = dir.resolve(HEADER);
        try {
            if (Files.isRegularFile(file) && Arrays.equals(Files.readAllBytes(file), h)) {
                return dir;
            }
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + HEADER, ".tmp");
            Files.write(tmp, h);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return dir;
        } catch (IOException e) {
            throw new KelpException(dir + ": cannot write " + HEADER + ": " + e.getMessage()
                    + " (set XDG_CACHE_HOME to a writable directory)", e);
        }
    }

    private static Path cacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("kelp");
    }

    private static byte[] sha256(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
