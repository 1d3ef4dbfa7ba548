package dev.kelp.clones;

import dev.kelp.csource.PatchedFile;
import java.util.List;

/**
 * Step (a) for a whole patch: every hunk with what it touches, the start functions for the
 * closure (deduplicated, in patch order), and notes about changes that cannot be mapped to
 * functions (new or deleted functions, preprocessor conditionals, comment-only hunks), and the
 * patched files (original and patched text, where each hunk landed).
 */
public record PatchMapping(List<HunkMapping> hunks, List<StartFunction> starts, List<String> notes,
        List<PatchedFile> files) {
}
