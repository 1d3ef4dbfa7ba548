package dev.kelp.klp;

import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Modinfo;

/** Reads depends= the way modprobe does (the first entry, NUL padding ignored). */
final class ModinfoDependsTestAccess {
    private ModinfoDependsTestAccess() {}

    static String depends(ElfFile elf) {
        return Modinfo.of(elf).orElseThrow().value("depends").orElseThrow();
    }
}
