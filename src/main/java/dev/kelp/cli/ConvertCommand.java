package dev.kelp.cli;

import dev.kelp.elf.ElfFile;
import dev.kelp.klp.KelpHeaders;
import dev.kelp.klp.KlpConverter;
import dev.kelp.klp.SymbolOracle;
import dev.kelp.util.KelpException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kelp convert}: klp-convert for livepatch modules built with kbuild. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Turns references of a linked livepatch module (built with KBUILD_MODPOST_WARN=1) to symbols",
            "vmlinux does not export into livepatch relocations (.klp.rela/.klp.sym), resolving names with the",
            "target kernel's symbols and the module's kelp-livepatch.h annotations."})
final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "IN.ko", description = "the linked livepatch module")
    Path input;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.ko", description = "where to write the converted module")
    Path output;

    @Option(names = "--object", paramLabel = "NAME",
            description = "object (vmlinux or module) for side-band records of kelp diff that name none")
    String object;

    @Option(names = "--print-include-dir",
            description = "print the directory holding kelp-livepatch.h (for -I) and exit")
    boolean printIncludeDir;

    @Mixin
    SymbolSourceOptions symbols;

    @Override
    public Integer call() {
        if (printIncludeDir) {
            System.out.println(KelpHeaders.includeDir());
            return 0;
        }
        if (input == null || output == null) {
            throw new KelpException("give the module to convert and -o OUT.ko");
        }
        if (!Files.isRegularFile(input)) {
            throw new KelpException(input + ": no such file");
        }
        ElfFile elf = ElfFile.read(input);
        SymbolOracle oracle = symbols.load();
        KlpConverter.Result r = KlpConverter.convert(elf, oracle, new KlpConverter.Options(object));
        elf.write(output);
        Map<String, Integer> per = r.perObject();
        System.err.printf("kelp: wrote %s: %d klp relocation%s%s, %d vmlinux export%s left to the loader%n", output,
                r.relocations().size(), r.relocations().size() == 1 ? "" : "s", per.isEmpty() ? "" : " ("
                        + per.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                        .collect(Collectors.joining(", ")) + ")", r.keptExports().size(),
                r.keptExports().size() == 1 ? "" : "s");
        return 0;
    }
}
