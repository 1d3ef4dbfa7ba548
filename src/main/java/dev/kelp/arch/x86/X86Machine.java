package dev.kelp.arch.x86;

import dev.kelp.arch.Machine;
import dev.kelp.elf.Elf;

/** x86-64 with its facets, for the registry. */
public final class X86Machine {
    private X86Machine() {
    }

    public static final Machine MACHINE = new Machine("x86_64", Elf.EM_X86_64, "CONFIG_X86_64", X86_64.INSTANCE,
            X86Livepatch.INSTANCE, X86Boot.INSTANCE);
}
