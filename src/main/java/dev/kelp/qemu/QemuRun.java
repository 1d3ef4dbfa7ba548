package dev.kelp.qemu;

import dev.kelp.arch.BootArch;
import dev.kelp.arch.registry.BootImages;
import dev.kelp.util.KelpException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Boots the target kernel with the initramfs in QEMU and feeds the serial console, line by
 * line, to a {@link ConsoleMonitor} while copying it to the log file. A watchdog kills QEMU when
 * the guest does not reach /init in time, stops making progress, or does not power off after
 * reporting; QEMU is never left running, also not when the JVM exits early.
 */
final class QemuRun {
    /**
     * The machine: ARCH says which QEMU, machine, CPU and console; KERNEL is the file QEMU boots;
     * ACCEL one of ARCH's accelerators ("tcg": software, always works); APPEND the whole kernel
     * command line (including ARCH's console argument).
     */
    record Machine(BootArch arch, Path kernel, Path initrd, int cpus, String memory, String accel, String append) {
        /** A machine for the architecture KERNEL is built for. */
        Machine(Path kernel, Path initrd, int cpus, String memory, String accel, String append) {
            this(BootImages.forImage(kernel), kernel, initrd, cpus, memory, accel, append);
        }

        List<String> command() {
            List<String> c = new ArrayList<>(List.of(arch.qemuSystem(), "-accel", accel));
            c.addAll(arch.machineOptions(accel));
            c.addAll(List.of("-smp", Integer.toString(cpus), "-m", memory,
                    "-display", "none", "-nodefaults", "-no-reboot", "-monitor", "none"));
            c.addAll(arch.consoleOptions());
            c.addAll(List.of("-kernel", kernel.toString(), "-initrd", initrd.toString(), "-append", append));
            return List.copyOf(c);
        }
    }

    /** How long the guest may take: to reach /init, between two markers, to power off. */
    record Limits(int bootSeconds, int progressSeconds, int poweroffSeconds) {}

    /** What happened to QEMU: its exit code (-1 when killed) and why kelp killed it. */
    record Outcome(int exitCode, String killedBecause, String stderr, long startNanos, long endNanos) {
        boolean killed() {
            return killedBecause != null;
        }
    }

    private QemuRun() {}

    static Outcome run(Machine machine, Limits limits, Path log, ConsoleMonitor monitor) {
        ProcessBuilder pb = new ProcessBuilder(machine.command());
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        long start = System.nanoTime();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new KelpException("cannot run " + machine.arch().qemuSystem() + ": " + e.getMessage() + " (install "
                    + machine.arch().qemuPackage() + ")");
        }
        Thread killer = new Thread(p::destroyForcibly, "kill-qemu");
        Runtime.getRuntime().addShutdownHook(killer);
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        Thread errReader = copier(p.getErrorStream(), stderr);
        Thread consoleReader;
        String killedBecause = null;
        try (OutputStream logOut = Files.newOutputStream(log)) {
            consoleReader = new Thread(() -> follow(p.getInputStream(), logOut, monitor), "qemu-console");
            consoleReader.setDaemon(true);
            consoleReader.start();
            killedBecause = watch(p, limits, monitor, start);
            if (killedBecause != null) {
                p.destroyForcibly();
            }
            p.waitFor();
            consoleReader.join(5000);
            errReader.join(5000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new KelpException("interrupted while the guest was running; QEMU was stopped");
        } catch (IOException e) {
            p.destroyForcibly();
            throw new UncheckedIOException(e);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
        return new Outcome(killedBecause != null ? -1 : p.exitValue(), killedBecause,
                stderr.toString(StandardCharsets.UTF_8), start, System.nanoTime());
    }

    /** Polls the monitor until QEMU exits; returns why QEMU must be killed, or null. */
    private static String watch(Process p, Limits limits, ConsoleMonitor monitor, long start)
            throws InterruptedException {
        while (!p.waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            long now = System.nanoTime();
            synchronized (monitor) {
                List<ConsoleMonitor.Marker> markers = monitor.markers();
                if (!monitor.booted()) {
                    if (seconds(now - start) > limits.bootSeconds()) {
                        return "the guest did not boot: /init did not start within " + limits.bootSeconds() + " s";
                    }
                    continue;
                }
                ConsoleMonitor.Marker last = markers.get(markers.size() - 1);
                double quiet = seconds(now - last.hostNanos());
                if (monitor.result().isPresent()) {
                    if (quiet > limits.poweroffSeconds()) {
                        return "the guest did not power off within " + limits.poweroffSeconds() + " s";
                    }
                } else if (quiet > limits.progressSeconds()) {
                    return "the guest hung during " + monitor.phase() + ": no progress for "
                            + limits.progressSeconds() + " s";
                }
            }
        }
        return null;
    }

    /** Copies the console to the log and hands each complete line to the monitor. */
    private static void follow(InputStream console, OutputStream log, ConsoleMonitor monitor) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try (console) {
            int n;
            while ((n = console.read(buf)) > 0) {
                log.write(buf, 0, n);
                log.flush();
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        deliver(line, monitor);
                    } else {
                        line.write(buf[i]);
                    }
                }
            }
            if (line.size() > 0) {
                deliver(line, monitor);
            }
        } catch (IOException e) {
            // QEMU was killed while we read; the log holds what arrived.
        }
    }

    private static void deliver(ByteArrayOutputStream line, ConsoleMonitor monitor) {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        long now = System.nanoTime();
        synchronized (monitor) {
            monitor.accept(text, now);
        }
    }

    private static Thread copier(InputStream in, ByteArrayOutputStream to) {
        Thread t = new Thread(() -> {
            try (in) {
                in.transferTo(to);
            } catch (IOException e) {
                // QEMU ended
            }
        }, "qemu-stderr");
        t.setDaemon(true);
        t.start();
        return t;
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /**
     * The line of QEMU's stderr that says what went wrong: its first "error:" line (an abort's
     * assertion message comes after it), else its last line; "" when it printed nothing.
     */
    static String errorLine(String stderr) {
        List<String> lines = stderr.strip().lines().toList();
        return lines.stream().filter(l -> l.contains(": error: ")).findFirst()
                .orElse(lines.isEmpty() ? "" : lines.get(lines.size() - 1)).strip();
    }

    static List<String> tail(String text, int lines) {
        List<String> all = new ArrayList<>(text.strip().lines().toList());
        return all.subList(Math.max(0, all.size() - lines), all.size());
    }
}
