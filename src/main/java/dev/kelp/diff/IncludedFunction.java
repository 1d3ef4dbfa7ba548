package dev.kelp.diff;

/**
 * One function in the output object and why it is there.
 *
 * @param name    its name in the original object (changed) or the patched object (new, needed)
 * @param alias   the global alias the livepatch glue links against (changed functions), or null
 * @param reason  {@code changed}, {@code new}, {@code part of F} or {@code needed by F}
 * @param section the output section holding it
 */
public record IncludedFunction(String name, String alias, String reason, String section) {
}
