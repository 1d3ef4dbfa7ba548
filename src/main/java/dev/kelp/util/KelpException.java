package dev.kelp.util;

/**
 * An error the user can act on: bad input, a failed external step, an unsupported change.
 * The message is complete on its own (it names the file, symbol or section and what to do);
 * the CLI prints it as one line and exits with {@link #exitCode()}.
 */
public class KelpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Exit code for bad input or a failed step. */
    public static final int ERROR = 1;
    /** Exit code for a change that cannot be live patched. */
    public static final int UNSUPPORTED = 2;
    /** Exit code for "nothing to do": no functional change. */
    public static final int NO_CHANGE = 3;

    private final int exitCode;

    public KelpException(String message) {
        this(message, ERROR, null);
    }

    public KelpException(String message, Throwable cause) {
        this(message, ERROR, cause);
    }

    public KelpException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
