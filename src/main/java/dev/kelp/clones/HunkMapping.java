package dev.kelp.clones;

import dev.kelp.csource.Touch;
import java.util.List;

/**
 * What one hunk touches. {@code outsideLines} counts changed lines that belong to no entity
 * (comments or blank lines between definitions); {@code outsideCode} is true when some of them
 * hold code the scanner could not attribute, which should not happen and is reported.
 */
record HunkMapping(String file, int hunk, int oldStart, int newStart, List<Touch> touches, int outsideLines,
        boolean outsideCode) {
}
