package dev.kelp.klp;

import dev.kelp.util.KelpException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects the problems of one conversion so that all of them are reported at once. A problem
 * is "unsupported" (exit 2) when the input is valid but the kernel cannot live patch it (e.g. a
 * jump label on a module key); otherwise it is an error (exit 1).
 */
final class Problems {
    private final String file;
    private final Set<String> lines = new LinkedHashSet<>();
    private boolean onlyUnsupported = true;

    Problems(String file) {
        this.file = file;
    }

    /** A problem about one symbol. */
    void error(String symbol, String message) {
        lines.add(file + ": " + symbol + ": " + message);
        onlyUnsupported = false;
    }

    /** A problem the kernel cannot handle although the input is well-formed. */
    void unsupported(String symbol, String message) {
        lines.add(file + ": " + symbol + ": " + message);
    }

    /** A problem that is not about a particular symbol. */
    void fileError(String message) {
        lines.add(file + ": " + message);
        onlyUnsupported = false;
    }

    boolean isEmpty() {
        return lines.isEmpty();
    }

    List<String> lines() {
        return new ArrayList<>(lines);
    }

    void throwIfAny() {
        if (!lines.isEmpty()) {
            throw new KlpConversionException(lines(), onlyUnsupported ? KelpException.UNSUPPORTED : KelpException.ERROR);
        }
    }
}
