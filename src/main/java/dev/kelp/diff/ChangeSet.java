package dev.kelp.diff;

import dev.kelp.elf.Symbol;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** The verdict per patched function: changed, new, or (absent) the same as the original. */
final class ChangeSet {
    enum Status { CHANGED, NEW }

    final Map<Symbol, Status> status = new IdentityHashMap<>();
    /** Changed functions (patched symbols), in symbol-table order. */
    final List<Symbol> changed = new ArrayList<>();
    /** New functions (patched symbols), in symbol-table order. */
    final List<Symbol> added = new ArrayList<>();
    /** Changed functions in init/exit code (refused). */
    final List<Symbol> changedInit = new ArrayList<>();
    /** Correlated data objects whose contents differ (patched symbols). */
    final List<Symbol> changedData = new ArrayList<>();

    boolean isEmpty() {
        return changed.isEmpty() && added.isEmpty();
    }

    Status of(Symbol patchedFunction) {
        return status.get(patchedFunction);
    }
}
