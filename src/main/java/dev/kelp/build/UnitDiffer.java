package dev.kelp.build;

import dev.kelp.module.LivepatchModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the differ plugs into {@link BuildPipeline}: compares one unit's original and patched
 * objects and extracts what changed into a patch object with side-band records for the
 * converter. Implemented by the diff stage (see docs/build.md, "Contract with the differ").
 */
@FunctionalInterface
public interface UnitDiffer {

    /**
     * Diffs one unit.
     *
     * @param pair        the two objects and the unit (its final object names the klp_object)
     * @param recordSizes special section name → record size, measured on the target's headers
     * @param outDir      where to write the patch object
     */
    UnitDiff diff(UnitBuilder.UnitPair pair, Map<String, Integer> recordSizes, Path outDir);

    /** The outcome of one unit's diff. */
    enum Kind { CHANGED, NO_CHANGE, UNSUPPORTED }

    /**
     * One function the livepatch replaces or adds, and why.
     *
     * @param name      the function's name in the target object
     * @param sympos    its klp sympos in the target object (0 = unique name)
     * @param newSymbol the global symbol of its new version in the patch object (rule 1 of the contract)
     * @param why       e.g. "changed", "new", "calls a changed inline function"
     * @param replaces  true when it replaces a kernel function (a klp_func), false for a new helper
     */
    record ChangedFunction(String name, long sympos, String newSymbol, String why, boolean replaces) {
    }

    /**
     * The result for one unit.
     *
     * @param pair        the unit
     * @param kind        changed, no functional change, or unsupported
     * @param patchObject the extracted object (present when CHANGED)
     * @param functions   its functions, with reasons
     * @param callbacks   callbacks found in the kpatch callback sections
     * @param problems    why it is unsupported (each one line naming the function or section)
     */
    record UnitDiff(UnitBuilder.UnitPair pair, Kind kind, Optional<Path> patchObject, List<ChangedFunction> functions,
            LivepatchModel.Callbacks callbacks, List<String> problems) {
    }
}
