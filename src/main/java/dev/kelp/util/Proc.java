package dev.kelp.util;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The one way kelp runs external programs (make, gcc, ld, qemu, readelf): output captured,
 * a timeout enforced, and a failure turned into a {@link KelpException} that shows the command
 * and the tail of its output instead of a stack trace.
 */
public final class Proc {
    private final List<String> command = new ArrayList<>();
    private Path dir;
    private Duration timeout = Duration.ofMinutes(30);
    private final Map<String, String> env = new java.util.LinkedHashMap<>();
    private boolean verbose;

    private Proc(List<String> command) {
        this.command.addAll(command);
    }

    public static Proc of(String... command) {
        return new Proc(List.of(command));
    }

    public static Proc of(List<String> command) {
        return new Proc(command);
    }

    public Proc dir(Path dir) {
        this.dir = dir;
        return this;
    }

    public Proc timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    public Proc env(String key, String value) {
        env.put(key, value);
        return this;
    }

    /** Echo the command line to stderr before running it (the CLI's --verbose). */
    public Proc verbose(boolean verbose) {
        this.verbose = verbose;
        return this;
    }

    public List<String> command() {
        return List.copyOf(command);
    }

    /** Result of a finished run; stdout and stderr are kept apart. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr, boolean timedOut) {
        public boolean ok() {
            return exitCode == 0 && !timedOut;
        }

        /** The last lines of stderr (or stdout when stderr is empty), for error messages. */
        public String tail(int lines) {
            String text = stderr.isBlank() ? stdout : stderr;
            String[] all = text.strip().split("\n");
            int from = Math.max(0, all.length - lines);
            return String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length));
        }
    }

    /** Runs the command and returns its result, whatever the exit code. */
    public Result run() {
        if (verbose) {
            System.err.println("+ " + shellLine(command));
        }
        ProcessBuilder pb = new ProcessBuilder(command);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new KelpException("cannot run " + command.get(0) + ": " + e.getMessage()
                    + " (is it installed?)", e);
        }
        StreamGobbler out = new StreamGobbler(p.getInputStream());
        StreamGobbler err = new StreamGobbler(p.getErrorStream());
        out.start();
        err.start();
        boolean finished;
        try {
            finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
            }
            out.join();
            err.join();
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new KelpException("interrupted while running " + command.get(0), e);
        }
        return new Result(List.copyOf(command), finished ? p.exitValue() : -1, out.text(), err.text(), !finished);
    }

    /**
     * The command as a shell would need it typed (words with spaces or quotes single-quoted), so a
     * --verbose line can be pasted back, e.g. {@code KCFLAGS='-ffunction-sections -fdata-sections'}.
     */
    public static String shellLine(List<String> command) {
        List<String> words = new ArrayList<>();
        for (String w : command) {
            words.add(!w.isEmpty() && w.matches("[A-Za-z0-9_./=:,+@%^-]+") ? w : "'" + w.replace("'", "'\\''") + "'");
        }
        return String.join(" ", words);
    }

    /** Runs the command and fails with a clear message unless it exits 0 in time. */
    public Result check(String what) {
        Result r = run();
        if (r.timedOut()) {
            throw new KelpException(what + ": '" + String.join(" ", command) + "' did not finish within "
                    + timeout.toSeconds() + " s");
        }
        if (r.exitCode() != 0) {
            throw new KelpException(what + ": '" + abbreviate(String.join(" ", command)) + "' exited with "
                    + r.exitCode() + ":\n" + r.tail(20));
        }
        return r;
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + " …";
    }

    private static final class StreamGobbler extends Thread {
        private final InputStream in;
        private final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();

        StreamGobbler(InputStream in) {
            this.in = in;
            setDaemon(true);
        }

        @Override
        public void run() {
            try (in) {
                in.transferTo(buf);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String text() {
            return buf.toString(StandardCharsets.UTF_8);
        }
    }
}
