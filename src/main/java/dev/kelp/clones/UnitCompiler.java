package dev.kelp.clones;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * The seam to {@code kelp build}: compile some units of the prepared target tree exactly as the
 * target's build does, plus {@code extraFlags}, and say where each object went and which target
 * object ({@code vmlinux} or a module name) it is linked into. {@link DumpCollector} uses it with
 * {@code -fdump-ipa-clones}; {@code --compare} will use the same tree for the binary route.
 */
interface UnitCompiler {

    /** One compiled unit: its source path relative to the tree, its target object, and the .o written. */
    record CompiledUnit(String unit, String targetObject, Path objectFile) {
    }

    List<CompiledUnit> compile(Collection<String> units, List<String> extraFlags);
}
