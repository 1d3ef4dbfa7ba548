package dev.kelp.qemu;

import dev.kelp.util.KelpException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Reads kernel module files as plain ELF bytes. Distributions may ship modules compressed
 * (.ko.xz, .ko.gz, .ko.zst); busybox's insmod in the initramfs only takes plain ELF, so kelp
 * decompresses while building the initramfs.
 */
final class ModuleFiles {
    private static final List<String> SUFFIXES = List.of(".ko", ".ko.xz", ".ko.gz", ".ko.zst");

    private ModuleFiles() {}

    static byte[] read(Path file) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new KelpException(file + ": no such module file");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String name = file.getFileName().toString();
        try {
            if (name.endsWith(".xz")) {
                return readAll(new XZInputStream(new ByteArrayInputStream(raw)));
            }
            if (name.endsWith(".gz")) {
                return readAll(new GZIPInputStream(new ByteArrayInputStream(raw)));
            }
        } catch (IOException e) {
            throw new KelpException(file + ": cannot decompress module: " + e.getMessage());
        }
        if (name.endsWith(".zst")) {
            throw new KelpException(file + ": zstd-compressed modules are not supported;"
                    + " decompress it with 'zstd -d' and pass the .ko");
        }
        return raw;
    }

    /** "kernel/net/foo-bar.ko.xz" → "foo_bar", the name the kernel uses. */
    static String moduleName(String path) {
        String base = path.substring(path.lastIndexOf('/') + 1);
        for (String suffix : SUFFIXES) {
            if (base.endsWith(suffix)) {
                return ModInfo.canonical(base.substring(0, base.length() - suffix.length()));
            }
        }
        return ModInfo.canonical(base);
    }

    /** The path without its compression suffix: where the plain module goes in the initramfs. */
    static String plainPath(String path) {
        for (String suffix : List.of(".xz", ".gz", ".zst")) {
            if (path.endsWith(".ko" + suffix)) {
                return path.substring(0, path.length() - suffix.length());
            }
        }
        return path;
    }

    static boolean looksLikeModuleFile(String arg) {
        return arg.contains("/") || SUFFIXES.stream().anyMatch(arg::endsWith);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }
}
