package dev.kelp.build;

import dev.kelp.module.ModuleLinker;
import dev.kelp.target.Target;
import java.nio.file.Path;

/**
 * Where the klp-relocation converter plugs into {@link BuildPipeline}: turns the side-band
 * records of the linked module into {@code .klp.rela.*} sections and {@code .klp.sym.*} symbols
 * after the final link, and writes the finished module to {@code out}.
 */
@FunctionalInterface
interface ConversionStep {
    Path convert(ModuleLinker.LinkedModule linked, Target target, Path out);
}
