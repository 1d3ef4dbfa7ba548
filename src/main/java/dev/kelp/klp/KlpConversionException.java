package dev.kelp.klp;

import dev.kelp.util.KelpException;
import java.util.List;

/**
 * All the problems found in one conversion, reported together: one line per problem, each
 * {@code FILE: SYMBOL: what and why, and what to do}. The CLI prefixes the first line with
 * {@code kelp: }; the message already carries that prefix on the following lines, so every
 * printed line reads the same.
 */
public final class KlpConversionException extends KelpException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    KlpConversionException(List<String> problems, int exitCode) {
        super(String.join(System.lineSeparator() + "kelp: ", problems), exitCode, null);
        this.problems = List.copyOf(problems);
    }

    /** The problems, one line each, without the {@code kelp: } prefix. */
    public List<String> problems() {
        return problems;
    }
}
