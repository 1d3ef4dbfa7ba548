package dev.kelp.symbols;

import dev.kelp.arch.registry.BootImages;
import dev.kelp.elf.ElfFile;
import dev.kelp.qemu.KallsymsCapture;
import dev.kelp.qemu.KernelTarget;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tukaani.xz.XZInputStream;

/**
 * The installed kernel (the one kelp test boots by default) and /proc/kallsyms of that very
 * build booted in QEMU: the listing stored in src/test/resources/dev/kelp/symbols by
 * scripts/capture-kallsyms when it was taken from this build (same release, same banner), else
 * a capture made now by booting the installed image ({@link KallsymsCapture}, cached). So the
 * tests compare kelp with the kernel whatever Debian 6.1 build is installed, and the stored
 * listing stays a fixed regression input for the build it came from.
 */
public final class CapturedKernel {
    private static final String DIR = "/dev/kelp/symbols/";
    private static CapturedKernel installed;

    public final String release;
    public final Path vmlinuz;
    public final Path modulesDir;
    /** /proc/version of the booted kernel, as captured. */
    public final String procVersion;
    /** Where the listings are: the stored test resources or the capture cache. */
    public final Path dir;
    /** True when the listings are the stored ones, false for a capture of the installed image. */
    public final boolean stored;

    private CapturedKernel(KernelTarget target, Path dir, boolean stored) {
        this.release = target.release();
        this.vmlinuz = target.vmlinuz();
        this.modulesDir = target.modulesDir();
        this.dir = dir;
        this.stored = stored;
        this.procVersion = read(dir.resolve(KallsymsCapture.versionFile(release))).strip();
    }

    /** The installed kernel with its listing (once per JVM). */
    public static synchronized CapturedKernel find() {
        if (installed == null) {
            installed = select(target(), storedDir(), KallsymsCapture.defaultCache());
        }
        return installed;
    }

    /** The installed kernel alone, for tests that need no listing: the one kelp test boots by default. */
    public static KernelTarget target() {
        return KernelTarget.resolve(null, null);
    }

    /**
     * The listing of TARGET: from STORED when it holds one whose /proc/version is the image's
     * banner, else from CACHE (captured now when missing).
     */
    static CapturedKernel select(KernelTarget target, Path stored, Path cache) {
        Path version = stored.resolve(KallsymsCapture.versionFile(target.release()));
        if (Files.isRegularFile(version) && read(version).strip().equals(banner(target.vmlinuz()))) {
            return new CapturedKernel(target, stored, true);
        }
        return new CapturedKernel(target, KallsymsCapture.cached(target, cache), false);
    }

    /** The linux_banner of an image, which /proc/version of the booted image repeats. */
    static String banner(Path vmlinuz) {
        byte[] vmlinux;
        try {
            vmlinux = BootImages.imageKernelElf(vmlinuz, Files.readAllBytes(vmlinuz));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return KernelBanner.find(ElfFile.read(vmlinuz.toString(), vmlinux)).orElseThrow(
                () -> new IllegalStateException(vmlinuz + ": no linux_banner found in the image"));
    }

    static Path storedDir() {
        URL url = CapturedKernel.class.getResource(DIR);
        if (url == null) {
            throw new IllegalStateException("no test resource directory " + DIR);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** /proc/kallsyms before any module was loaded (xz). */
    public Path procKallsyms() {
        return dir.resolve(KallsymsCapture.kallsymsFile(release));
    }

    /** The [module] lines of /proc/kallsyms after loading {@link KallsymsCapture#MODULES} (xz). */
    public Path procKallsymsModules() {
        return dir.resolve(KallsymsCapture.modulesFile(release));
    }

    /** /proc/kallsyms of the booted kernel before any module was loaded, line by line. */
    public List<String> vmlinuxLines() {
        return lines(procKallsyms());
    }

    /** The [module] lines after loading the captured modules, by module, as "T name". */
    public Map<String, List<String>> moduleLines() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String l : lines(procKallsymsModules())) {
            String[] mainAndMod = l.split("\t");
            String[] f = mainAndMod[0].split(" ");
            String mod = mainAndMod[1].substring(1, mainAndMod[1].length() - 1);
            out.computeIfAbsent(mod, k -> new ArrayList<>()).add(f[1] + " " + f[2]);
        }
        return out;
    }

    static List<String> lines(Path xz) {
        try (InputStream in = new XZInputStream(Files.newInputStream(xz));
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1))) {
            return r.lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
