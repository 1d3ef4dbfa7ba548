package dev.kelp.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One in-process run of kelp's command line as a test sees it: the exit code and what went to
 * standard output and standard error. Shared by the command tests of every stage.
 *
 * @param exit the exit code {@link Main#run} returned
 * @param out  what kelp printed on standard output
 * @param err  what kelp printed on standard error
 */
public record CliRun(int exit, String out, String err) {

    /**
     * Runs {@code kelp ARGS...} through {@link Main#run}, capturing both streams. Runs are
     * serialised: System.out and System.err belong to the whole JVM.
     */
    public static synchronized CliRun kelp(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
