package dev.kelp.util;

import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * The order of kernel release strings (6.1.0-9-amd64 before 6.1.0-56-amd64): picking the newest
 * installed kernel must not depend on text order.
 */
public final class KernelReleases {
    /** Splits "6.1.0-56-amd64" into its digit and non-digit runs. */
    private static final Pattern RUNS = Pattern.compile("(?<=\\d)(?=\\D)|(?<=\\D)(?=\\d)");

    private KernelReleases() {
    }

    /** Compares two releases run by run: digit runs as numbers, the others as text. */
    public static int compare(String a, String b) {
        String[] ra = RUNS.split(a);
        String[] rb = RUNS.split(b);
        for (int i = 0; i < Math.min(ra.length, rb.length); i++) {
            int c = isNumber(ra[i]) && isNumber(rb[i])
                    ? new BigInteger(ra[i]).compareTo(new BigInteger(rb[i]))
                    : ra[i].compareTo(rb[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(ra.length, rb.length);
    }

    private static boolean isNumber(String run) {
        return !run.isEmpty() && Character.isDigit(run.charAt(0));
    }
}
