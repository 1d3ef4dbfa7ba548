package dev.kelp.qemu;

import dev.kelp.elf.Elf;
import dev.kelp.elf.ElfFile;
import dev.kelp.util.KelpException;
import dev.kelp.util.Proc;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The guest's whole file system, written as a gzip-compressed cpio archive: a static busybox
 * with a link for each applet, the protocol script as /init, the probe and stress commands, and
 * the selected modules under /lib/modules/RELEASE with their own modules.dep.
 */
final class Initramfs {
    static final Path BUSYBOX = Path.of("/bin/busybox");

    /** The contents: RELEASE names the guest's /lib/modules directory (what uname -r says). */
    record Contents(String release, ModuleSelection modules, String init, String probe, String stress) {}

    private Initramfs() {}

    /** Writes the archive to OUT and returns its size in bytes. */
    static long write(Path out, Contents c) {
        byte[] busybox = busybox();
        List<String> applets = applets();
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(out));
                GZIPOutputStream gz = new GZIPOutputStream(file, 1 << 16) {
                    {
                        // Fast compression: the archive is written for every test and read once.
                        def.setLevel(Deflater.BEST_SPEED);
                    }
                };
                CpioWriter cpio = new CpioWriter(gz)) {
            for (String dir : List.of("bin", "dev", "proc", "sys", "tmp", "kelp", "root")) {
                cpio.directories(dir);
            }
            // The kernel opens /dev/console for init before /init can mount devtmpfs.
            cpio.charDevice("dev/console", 0600, 5, 1);
            cpio.charDevice("dev/null", 0666, 1, 3);
            cpio.charDevice("dev/kmsg", 0644, 1, 11);
            cpio.file("bin/busybox", 0755, busybox);
            for (String applet : applets) {
                if (!applet.equals("busybox") && !cpio.contains("bin/" + applet)) {
                    cpio.symlink("bin/" + applet, "busybox");
                }
            }
            cpio.file("init", 0755, utf8(c.init()));
            cpio.file(GuestScript.PROBE, 0755, utf8(c.probe() == null ? "exit 0\n" : c.probe() + "\n"));
            cpio.file(GuestScript.STRESS, 0755, utf8(c.stress() == null ? "exit 0\n" : c.stress() + "\n"));
            String modDir = "lib/modules/" + c.release();
            cpio.directories(modDir);
            for (ModuleSelection.Module m : c.modules().modules()) {
                String path = modDir + "/" + m.guestPath();
                cpio.directories(path.substring(0, path.lastIndexOf('/')));
                cpio.file(path, 0644, ModuleFiles.read(m.source()));
            }
            cpio.file(modDir + "/modules.dep", 0644, utf8(c.modules().modulesDep()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return Files.size(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] busybox() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(BUSYBOX);
        } catch (IOException e) {
            throw new KelpException(BUSYBOX + ": cannot read busybox (" + e.getMessage()
                    + "); install busybox-static");
        }
        if (ElfFile.read(BUSYBOX.toString(), bytes).hasProgramHeader(Elf.PT_INTERP)) {
            throw new KelpException(BUSYBOX + " is dynamically linked and cannot run alone in the guest;"
                    + " install busybox-static");
        }
        return bytes;
    }

    /** The applets this busybox provides: one symlink each, so /init can call them by name. */
    private static List<String> applets() {
        Proc.Result r = Proc.of(BUSYBOX.toString(), "--list").timeout(Duration.ofSeconds(20))
                .check("listing busybox applets");
        List<String> applets = r.stdout().lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
        for (String needed : List.of("sh", "modprobe", "rmmod", "timeout", "reboot", "mount", "sed", "tr", "cut")) {
            if (!applets.contains(needed)) {
                throw new KelpException(BUSYBOX + " has no '" + needed + "' applet, which kelp test's /init needs;"
                        + " install Debian's busybox-static");
            }
        }
        return applets;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
