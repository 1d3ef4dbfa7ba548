package dev.kelp.build;

import dev.kelp.elf.ElfFile;
import dev.kelp.klp.DatabaseOracle;
import dev.kelp.module.ModuleLinker;
import dev.kelp.symbols.KernelSymbols;
import dev.kelp.target.Target;
import dev.kelp.util.KelpException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * {@link ConversionStep} backed by the {@code kelp convert} engine: turns the linked module's
 * references to unexported symbols and the differ's side-band records into klp relocations,
 * against the target's symbol database, and writes the final module.
 */
final class KlpModuleConverter implements ConversionStep {
    private final Function<String, KernelSymbols> symbols;

    public KlpModuleConverter(Function<String, KernelSymbols> symbols) {
        this.symbols = symbols;
    }

    @Override
    public Path convert(ModuleLinker.LinkedModule linked, Target target, Path out) {
        ElfFile elf = ElfFile.read(linked.ko());
        try {
            dev.kelp.klp.KlpConverter.convert(elf, new DatabaseOracle(symbols.apply(target.release())),
                    dev.kelp.klp.KlpConverter.Options.defaults().withMissingHint(missingHint(target.release())));
        } catch (KelpException e) {
            throw inBuildTerms(e, linked.ko(), out);
        }
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (java.io.IOException e) {
            throw new KelpException(out + ": cannot create its directory: " + e.getMessage(), e);
        }
        elf.write(out);
        return out;
    }

    /**
     * kelp build reads every module installed for the release itself, so a name none defines is
     * not in this kernel, or in a module that is not installed under /lib/modules/RELEASE.
     */
    static String missingHint(String release) {
        return "the patch uses a function or variable this kernel does not have (check the name; was the patch"
                + " written for another kernel version?), or one of a module not installed in /lib/modules/" + release
                + " (not part of the linux-image package, e.g. an out-of-tree or DKMS module: install it and build again)";
    }

    /**
     * The engine names the file it converts, which in a build is an intermediate in the run's work
     * directory (removed at the end): the user is told which module was not written instead.
     */
    private static KelpException inBuildTerms(KelpException e, Path linked, Path out) {
        String prefix = linked + ": ";
        String msg = e.getMessage();
        if (msg == null || !msg.startsWith(prefix)) {
            return e;
        }
        return new KelpException(out.getFileName() + " not written: " + msg.substring(prefix.length()), e.exitCode(), e);
    }
}
