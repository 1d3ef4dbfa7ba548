package dev.kelp.diff;

import dev.kelp.elf.Elf;

/** The x86-64 differ view for tests. */
final class X86 {
    static final DiffArch ARCH = DiffArch.forMachine(Elf.EM_X86_64);

    private X86() {
    }
}
