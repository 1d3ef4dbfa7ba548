package dev.kelp.arch;

import dev.kelp.elf.Elf;
import java.util.Map;

/** Names of the ELF machines kelp may meet, for messages about the ones it does not support. */
public final class ElfMachines {
    private static final Map<Integer, String> NAMES = Map.of(
            Elf.EM_386, "i386",
            Elf.EM_PPC, "ppc",
            Elf.EM_PPC64, "ppc64",
            Elf.EM_S390, "s390",
            Elf.EM_ARM, "arm",
            Elf.EM_X86_64, "x86-64",
            Elf.EM_AARCH64, "aarch64",
            Elf.EM_RISCV, "riscv",
            Elf.EM_LOONGARCH, "loongarch");

    private ElfMachines() {}

    /** " (aarch64)" for a known machine, "" otherwise: appended after the number in messages. */
    public static String suffix(int eMachine) {
        String name = NAMES.get(eMachine);
        return name == null ? "" : " (" + name + ")";
    }

    /** "aarch64", or "ELF machine N" for a machine without a name here. */
    static String name(int eMachine) {
        return NAMES.getOrDefault(eMachine, "ELF machine " + eMachine);
    }
}
