package dev.kelp.qemu;

import dev.kelp.arch.registry.BootImages;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * Test data made from the installed kernel itself: boots it in QEMU (PVH when possible, TCG,
 * {@code nokaslr}, quiet console) and records {@code /proc/version}, {@code /proc/kallsyms}
 * before any module is loaded, then the {@code [module]} lines after modprobe of the given
 * modules. The files have the names and format scripts/capture-kallsyms writes into
 * src/test/resources/dev/kelp/symbols, so the stored capture and a fresh one read alike.
 *
 * <p>Fresh captures are cached by release and the image's SHA-256 (a rebuilt image under the
 * same release gets its own): the boot takes 20–60 s, once per installed kernel.
 */
public final class KallsymsCapture {
    /**
     * Modules loaded for the module listing: no dependencies, names occurring 1, 2 and 3 times;
     * in the order scripts/capture-kallsyms loads them (file names), so both write the same files.
     */
    public static final List<String> MODULES = List.of("efs", "exfat");

    private static final String BEGIN = "KELP-KALLSYMS-BEGIN";
    private static final String END = "KELP-KALLSYMS-END";
    private static final String MODULES_BEGIN = "KELP-MODULES-BEGIN";
    private static final String MODULES_END = "KELP-MODULES-END";
    private static final String VERSION = "KELP-VERSION: ";
    private static final String FAILED = "KELP-MODPROBE-FAILED ";

    /** loglevel=0: no kernel message may land inside the listing on the shared serial console. */
    private static final String APPEND = "panic=-1 nokaslr loglevel=0 rdinit=/init";

    private KallsymsCapture() {}

    public static String versionFile(String release) {
        return "proc-version-" + release + ".txt";
    }

    public static String kallsymsFile(String release) {
        return "proc-kallsyms-" + release + ".txt.xz";
    }

    public static String modulesFile(String release) {
        return "proc-kallsyms-modules-" + release + ".txt.xz";
    }

    /** The default cache: $XDG_CACHE_HOME/kelp/kallsyms or ~/.cache/kelp/kallsyms. */
    public static Path defaultCache() {
        return BootImage.defaultCache().resolveSibling("kallsyms");
    }

    /**
     * The directory in CACHE holding the capture of TARGET (made now when missing): the three
     * files named by {@link #versionFile}, {@link #kallsymsFile}, {@link #modulesFile}.
     */
    public static synchronized Path cached(KernelTarget target, Path cache) {
        Path dir = cache.resolve(target.release() + "-" + sha256(target.vmlinuz()).substring(0, 24));
        if (Files.isRegularFile(dir.resolve(modulesFile(target.release())))) {
            return dir;
        }
        try {
            Files.createDirectories(cache);
            Path tmp = Files.createTempDirectory(cache, "capture-");
            try {
                capture(target, tmp);
                try {
                    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, dir);
                } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                    // another test JVM captured the same kernel meanwhile: its files are as good
                }
            } finally {
                deleteTree(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** Boots TARGET and writes the three files into OUT. */
    public static void capture(KernelTarget target, Path out) {
        String release = target.release();
        Path work;
        try {
            work = Files.createTempDirectory("kelp-kallsyms-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            ModuleSelection modules = new ModuleSelection(ModulesDep.read(target.modulesDir()));
            for (String m : MODULES) {
                modules.select(m);
            }
            Path initrd = work.resolve("initramfs.cpio.gz");
            String guestRelease = KernelTarget.imageRelease(target.vmlinuz()).orElse(release);
            Initramfs.write(initrd, new Initramfs.Contents(guestRelease, modules, init(), null, null));
            BootImage.Choice boot = BootImage.choose(target.vmlinuz(), BootImage.defaultCache());
            Path log = work.resolve("console.log");
            ConsoleMonitor monitor = new ConsoleMonitor(m -> { });
            // The listing is one long phase: about 100,000 lines over an emulated UART.
            QemuRun.Outcome outcome = QemuRun.run(new QemuRun.Machine(boot.file(), initrd, 1, "512M", "tcg",
                    BootImages.forImage(target.vmlinuz()).kernelConsole() + " " + APPEND),
                    new QemuRun.Limits(LivepatchTestRun.BOOT_SECONDS, 600, LivepatchTestRun.POWEROFF_SECONDS), log, monitor);
            List<String> console = Files.readString(log, StandardCharsets.ISO_8859_1).replace("\r", "").lines().toList();
            String problem = problem(console, monitor, outcome);
            if (problem != null) {
                throw new IllegalStateException("capturing /proc/kallsyms of " + target.vmlinuz() + " in QEMU: "
                        + problem + "; console tail: " + QemuRun.tail(String.join("\n", console), 15));
            }
            String version = console.stream().filter(l -> l.startsWith(VERSION)).findFirst().orElseThrow()
                    .substring(VERSION.length());
            Files.writeString(out.resolve(versionFile(release)), version + "\n", StandardCharsets.ISO_8859_1);
            writeXz(out.resolve(kallsymsFile(release)), between(console, BEGIN, END));
            writeXz(out.resolve(modulesFile(release)), between(console, MODULES_BEGIN, MODULES_END));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteTree(work);
        }
    }

    /** What makes the console unusable as a capture, or null. */
    private static String problem(List<String> console, ConsoleMonitor monitor, QemuRun.Outcome outcome) {
        if (outcome.killed()) {
            return outcome.killedBecause();
        }
        List<String> failed = console.stream().filter(l -> l.startsWith(FAILED)).toList();
        if (!failed.isEmpty()) {
            return "modprobe failed: " + failed;
        }
        if (!console.contains(MODULES_END) || !console.contains(END)
                || console.stream().noneMatch(l -> l.startsWith(VERSION))) {
            return "the guest did not finish the listing (QEMU exit " + outcome.exitCode() + ")";
        }
        if (monitor.result().isEmpty()) {
            return "the guest did not report its end";
        }
        return null;
    }

    private static String init() {
        StringBuilder s = new StringBuilder("""
                #!/bin/sh
                # /init of KallsymsCapture (the test data of dev.kelp.symbols); see scripts/capture-kallsyms.
                export PATH=/bin
                mount -t proc proc /proc
                echo 0 > /proc/sys/kernel/kptr_restrict
                mark() { read up rest < /proc/uptime; echo "KELP:$1 $2 $up"; }
                mark boot ok
                """);
        s.append("echo \"").append(VERSION).append("$(cat /proc/version)\"\n");
        s.append("echo ").append(BEGIN).append("\ncat /proc/kallsyms\necho ").append(END).append('\n');
        s.append("mark listing ok\n");
        for (String m : MODULES) {
            s.append("modprobe ").append(m).append(" || echo \"").append(FAILED).append(m).append("\"\n");
        }
        s.append("echo ").append(MODULES_BEGIN).append("\ngrep -F '[' /proc/kallsyms\necho ").append(MODULES_END)
                .append('\n');
        s.append("mark result pass\nreboot -f\nsleep 60\n");
        return s.toString();
    }

    private static List<String> between(List<String> console, String begin, String end) {
        int from = console.indexOf(begin);
        int to = console.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalStateException("no " + begin + " … " + end + " block in the console log");
        }
        return new ArrayList<>(console.subList(from + 1, to));
    }

    private static void writeXz(Path file, List<String> lines) throws IOException {
        try (OutputStream out = new XZOutputStream(Files.newOutputStream(file), new LZMA2Options(1))) {
            for (String l : lines) {
                out.write((l + "\n").getBytes(StandardCharsets.ISO_8859_1));
            }
        }
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
