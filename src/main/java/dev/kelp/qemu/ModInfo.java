package dev.kelp.qemu;

import dev.kelp.util.KelpException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a kernel module says about itself in its .modinfo section ("key=value" strings separated
 * by NULs): the name the kernel gives it (and so its /sys/kernel/livepatch directory), the
 * modules it needs, and whether it is a livepatch.
 */
public record ModInfo(String name, List<String> depends, boolean livepatch, String vermagic) {

    /** Reads the .modinfo of a module's bytes (already decompressed); WHAT names it in errors. */
    public static ModInfo parse(String what, byte[] module) {
        byte[] section = ElfPeek.of(what, module).section(".modinfo")
                .orElseThrow(() -> new KelpException(what + ": no .modinfo section: not a kernel module"));
        String name = null;
        List<String> depends = new ArrayList<>();
        boolean livepatch = false;
        String vermagic = "";
        for (String entry : new String(section, StandardCharsets.UTF_8).split("\0")) {
            int eq = entry.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = entry.substring(0, eq);
            String value = entry.substring(eq + 1);
            switch (key) {
                case "name" -> name = value;
                case "depends" -> Arrays.stream(value.split(","))
                        .filter(s -> !s.isBlank()).map(ModInfo::canonical).forEach(depends::add);
                case "livepatch" -> livepatch = value.equals("Y");
                case "vermagic" -> vermagic = value;
                default -> { }
            }
        }
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
