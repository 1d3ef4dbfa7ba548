package dev.kelp.build;

import dev.kelp.elf.ElfFile;
import dev.kelp.klp.DatabaseOracle;
import dev.kelp.module.ModuleLinker;
import dev.kelp.symbols.KernelSymbols;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * {@link KlpConverter} backed by the {@code kelp convert} engine: turns the linked module's
 * references to unexported symbols and the differ's side-band records into klp relocations,
 * against the target's symbol database, and writes the final module.
 */
public final class KlpModuleConverter implements KlpConverter {
    private final Function<String, KernelSymbols> symbols;

    public KlpModuleConverter(Function<String, KernelSymbols> symbols) {
        this.symbols = symbols;
    }

    @Override
    public Path convert(ModuleLinker.LinkedModule linked, Target target, Path out) {
        ElfFile elf = ElfFile.read(linked.ko());
        dev.kelp.klp.KlpConverter.convert(elf, new DatabaseOracle(symbols.apply(target.release())),
                dev.kelp.klp.KlpConverter.Options.defaults());
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (java.io.IOException e) {
            throw new dev.kelp.util.KelpException(out + ": cannot create its directory: " + e.getMessage(), e);
        }
        elf.write(out);
        return out;
    }
}
