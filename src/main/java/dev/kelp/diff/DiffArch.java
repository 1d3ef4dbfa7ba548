package dev.kelp.diff;

import dev.kelp.arch.InsnDecoder;
import dev.kelp.elf.Elf;
import dev.kelp.util.KelpException;
import java.util.Set;

/**
 * What the differ needs to know about a target architecture: relocation field sizes, which
 * relocations are PC-relative, the absolute pointer relocation, the profiling call and the
 * registers that carry {@code __LINE__} to reporting helpers.
 *
 * <p>The x86-64 values live in {@link X86DiffArch} for now; they belong in dev.kelp.arch.x86
 * once that package offers relocation tables (noted for the arch owner).
 */
interface DiffArch {
    InsnDecoder decoder();

    /** Bytes patched by a relocation of this type (0 for none). */
    int fieldSize(int relocType);

    /** Whether the relocation is relative to the place (S + A - P). */
    boolean isPcRelative(int relocType);

    /** The 64-bit absolute relocation (x86-64: R_X86_64_64). */
    int absolute64();

    /** The profiling call every traceable function makes first (x86: __fentry__). */
    Set<String> profilingCallees();

    /** Registers that hold the 2nd and 3rd call arguments (where __LINE__ goes). */
    Set<Integer> lineArgumentRegisters();

    /** Helpers that receive a line number as an argument (the __LINE__ filter's list). */
    Set<String> lineReportingFunctions();

    static DiffArch forMachine(String file, int machine) {
        if (machine == Elf.EM_X86_64) {
            return X86DiffArch.INSTANCE;
        }
        throw new KelpException(file + ": machine " + machine + " is not supported by kelp diff (only x86-64)",
                KelpException.UNSUPPORTED, null);
    }
}
