package dev.kelp.klp;

import dev.kelp.elf.ElfFile;
import dev.kelp.inspect.ModinfoView;

/** Reads depends= the way modprobe does (the first entry, NUL padding ignored). */
final class ModinfoDependsTestAccess {
    private ModinfoDependsTestAccess() {}

    static String depends(ElfFile elf) {
        return ModinfoView.entries(elf).stream().filter(e -> e.key().equals("depends")).map(ModinfoView.Entry::value)
                .findFirst().orElseThrow();
    }
}
