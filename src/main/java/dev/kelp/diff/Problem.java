package dev.kelp.diff;

/**
 * A change kelp cannot live patch (or an input it cannot handle), located precisely.
 *
 * @param object   the object file (as given on the command line)
 * @param location the symbol or section concerned
 * @param message  what is wrong and why, as one sentence
 */
public record Problem(String object, String location, String message) {
    /** {@code error: OBJECT: SYMBOL-or-SECTION: what and why} */
    public String line() {
        return "error: " + object + ": " + location + ": " + message;
    }
}
