package dev.kelp.module;

import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Modinfo;
import dev.kelp.util.KelpException;
import dev.kelp.util.Proc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Links a livepatch module with the target's own kbuild ({@code make -C HEADERS M=WORKDIR}), so
 * that vermagic, modversions CRCs and the module layout are the kernel's: the generated glue plus
 * the prebuilt patch objects. Then checks the result: its vermagic must equal the kernel's, and
 * every undefined symbol must be exported by the kernel, or be a klp symbol, or be reported as
 * unresolved (the klp-relocation converter turns those into {@code .klp.rela} entries after the
 * link; see docs/build.md).
 */
public final class ModuleLinker {
    static final String GLUE = "kelp_glue";

    /**
     * The linked module.
     *
     * @param ko         the module file
     * @param vermagic   its vermagic (equal to the kernel's; checked)
     * @param unresolved undefined symbols the kernel does not export (to become klp relocations)
     */
    public record LinkedModule(Path ko, String vermagic, List<String> unresolved) {
    }

    private ModuleLinker() {
    }

    /**
     * Generates the glue for {@code model} in {@code workDir}, copies {@code patchObjects} there,
     * and builds {@code workDir/NAME.ko}.
     */
    public static LinkedModule link(KernelHeaders kernel, LivepatchModel model, List<Path> patchObjects, Path workDir,
            boolean verbose) {
        List<String> names = new ArrayList<>();
        try {
            Files.createDirectories(workDir);
            Files.writeString(workDir.resolve(GLUE + ".c"), GlueGenerator.glueSource(model));
            for (int i = 0; i < patchObjects.size(); i++) {
                String name = "kelp_patch_" + i + ".o";
                Files.copy(patchObjects.get(i), workDir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                // kbuild links an object that has no source as it is, but modpost reads every
                // object's .cmd file (for srcversion): give it one that names no sources
                Files.writeString(workDir.resolve("." + name + ".cmd"), "cmd_" + workDir.toAbsolutePath().resolve(name)
                        + " := kelp: prebuilt livepatch object\n");
                names.add(name);
            }
            Files.writeString(workDir.resolve("Kbuild"), GlueGenerator.kbuildFile(model.name(), GLUE + ".o", names));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return build(kernel, model.name(), workDir, verbose);
    }

    /** Runs kbuild in {@code workDir} (which holds a Kbuild file for module {@code name}) and checks the result. */
    public static LinkedModule build(KernelHeaders kernel, String name, Path workDir, boolean verbose) {
        List<String> cmd = new ArrayList<>(List.of("make", "-C", kernel.dir().toString(), "M=" + workDir.toAbsolutePath(),
                "CC=" + kernel.compiler(),
                // references to non-exported symbols are expected here: they become klp relocations
                "KBUILD_MODPOST_WARN=1"));
        if (!verbose) {
            cmd.add("-s");
        }
        cmd.add("modules");
        Proc.Result r = Proc.of(cmd).verbose(verbose).timeout(Duration.ofMinutes(10)).run();
        Path ko = workDir.resolve(name + ".ko");
        if (!r.ok() || !Files.isRegularFile(ko)) {
            throw new KelpException("linking livepatch module " + name + " against " + kernel.dir() + " failed:\n" + r.tail(25));
        }
        String vermagic = vermagic(ko);
        if (!vermagic.equals(kernel.vermagic().strip())) {
            throw new KelpException(ko + ": vermagic '" + vermagic + "' differs from the kernel's '" + kernel.vermagic().strip()
                    + "': the kernel would refuse it; was it linked against other headers?");
        }
        return new LinkedModule(ko, vermagic, unresolved(ko, kernel.symvers()));
    }

    /** The module's vermagic (from .modinfo; without the trailing blank kbuild writes). */
    public static String vermagic(Path ko) {
        return Modinfo.of(ElfFile.read(ko)).flatMap(m -> m.value("vermagic")).map(String::strip).orElse("");
    }

    /**
     * Undefined symbols of {@code ko} that neither the kernel exports nor are klp symbols
     * ({@code .klp.sym.*}, resolved by livepatch itself).
     */
    public static List<String> unresolved(Path ko, Path symvers) {
        Set<String> exported = exports(symvers);
        Proc.Result nm = Proc.of("nm", "-u", "--format=just-symbols", ko.toAbsolutePath().toString()).check("listing symbols of " + ko);
        TreeSet<String> out = new TreeSet<>();
        for (String sym : nm.stdout().split("\n")) {
            String s = sym.strip();
            if (!s.isEmpty() && !exported.contains(s) && !s.startsWith(".klp.sym.")) {
                out.add(s);
            }
        }
        return List.copyOf(out);
    }

    /** Symbol names in a Module.symvers (CRC, symbol, module, export kind, namespace; tab-separated). */
    public static Set<String> exports(Path symvers) {
        Set<String> names = new HashSet<>();
        try {
            for (String line : Files.readAllLines(symvers)) {
                String[] f = line.split("\t");
                if (f.length >= 2) {
                    names.add(f[1]);
                }
            }
        } catch (IOException e) {
            throw new KelpException(symvers + ": cannot read the kernel's exports: " + e.getMessage(), e);
        }
        return names;
    }
}
