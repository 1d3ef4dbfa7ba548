package dev.kelp.clones;

/**
 * A function whose code the patch changes, where the closure starts. {@code unit} is the
 * translation unit (a .c path relative to the source root) it is compiled in; for a function
 * defined in a header it is each known including unit, or null when none is known, in which
 * case the function applies to any unit whose dump mentions it.
 */
public record StartFunction(String function, String unit, String reason) {
}
