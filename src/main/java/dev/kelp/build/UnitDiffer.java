package dev.kelp.build;

import dev.kelp.diff.IncludedData;
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
interface UnitDiffer {

    /**
     * Diffs one unit for one target object. A unit linked into several modules is diffed once per
     * module: each copy gets replacement symbols unique to its object and its own sympos and
     * side-band records, resolved against that module.
     *
     * @param pair        the two objects and the unit
     * @param object      the target object (klp_object): "vmlinux" or one of the unit's modules
     * @param recordSizes special section name → record size, measured on the target's headers
     * @param outDir      where to write the patch object
     */
    UnitDiff diff(UnitBuilder.UnitPair pair, String object, Map<String, Integer> recordSizes, Path outDir);

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
     * The result for one unit and target object.
     *
     * @param pair        the unit
     * @param object      the target object this patch object is for
     * @param kind        changed, no functional change, or unsupported
     * @param patchObject the extracted object (present when CHANGED)
     * @param functions   its functions, with reasons
     * @param data        its data objects (new variables, fresh per-call-site statics), with reasons
     * @param callbacks   callbacks found in the kpatch callback sections
     * @param problems    why it is unsupported (each one line naming the function or section)
     * @param localized   new global symbols made local in this copy (the unit is linked into several
     *                    modules, each copy has its own); no other unit may refer to them by name
     */
    record UnitDiff(UnitBuilder.UnitPair pair, String object, Kind kind, Optional<Path> patchObject,
            List<ChangedFunction> functions, List<IncludedData> data, LivepatchModel.Callbacks callbacks,
            List<String> problems, List<String> localized) {
    }
}
