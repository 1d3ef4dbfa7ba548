package dev.kelp.qemu;

import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Modinfo;
import dev.kelp.util.KelpException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a kernel module says about itself in its .modinfo section ("key=value" strings separated
 * by NULs): the name the kernel gives it (and so its /sys/kernel/livepatch directory), the
 * modules it needs, and whether it is a livepatch.
 */
record ModInfo(String name, List<String> depends, boolean livepatch, String vermagic) {

    /** Reads the .modinfo of a module's bytes (already decompressed); WHAT names it in errors. */
    public static ModInfo parse(String what, byte[] module) {
        Modinfo info = Modinfo.of(ElfFile.read(what, module))
                .orElseThrow(() -> new KelpException(what + ": no .modinfo section: not a kernel module"));
        String name = info.value("name").orElse(null);
        List<String> depends = new ArrayList<>();
        info.value("depends").ifPresent(v -> Arrays.stream(v.split(","))
                .filter(s -> !s.isBlank()).map(ModInfo::canonical).forEach(depends::add));
        boolean livepatch = info.value("livepatch").map("Y"::equals).orElse(false);
        String vermagic = info.value("vermagic").orElse("");
        if (name == null || name.isBlank()) {
            throw new KelpException(what + ": .modinfo has no name= entry (was it linked by kbuild's modpost?)");
        }
        if (!name.matches("[A-Za-z0-9_-]+")) {
            throw new KelpException(what + ": .modinfo name '" + name + "' is not a valid module name");
        }
        return new ModInfo(canonical(name), List.copyOf(depends), livepatch, vermagic);
    }

    /** The kernel treats '-' and '_' in module names alike and keeps '_'. */
    public static String canonical(String moduleName) {
        return moduleName.replace('-', '_');
    }
}
