package dev.kelp.diff;

import dev.kelp.arch.Arch;
import dev.kelp.arch.InsnDecoder;
import dev.kelp.arch.RelocType;
import dev.kelp.arch.registry.Machines;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The architecture facts the differ uses, taken from {@link Arch} (dev.kelp.arch) and cached per
 * relocation type so that the per-relocation questions of the hot loops are array lookups.
 */
final class DiffArch {
    private static final Map<Integer, DiffArch> BY_MACHINE = new HashMap<>();

    final Arch arch;
    private final int[] width = new int[256];
    private final boolean[] pcRelative = new boolean[256];
    private final Set<String> profilingCallees;

    private DiffArch(Arch arch) {
        this.arch = arch;
        for (RelocType t : arch.relocTypes()) {
            if (t.type() >= 0 && t.type() < 256) {
                width[t.type()] = t.width();
                pcRelative[t.type()] = t.isPcRelative();
            }
        }
        this.profilingCallees = Set.of(arch.ftraceEntrySymbol());
    }

    /** The differ's view of the architecture of an ELF e_machine (an "unsupported" error otherwise). */
    static synchronized DiffArch forMachine(int machine) {
        return BY_MACHINE.computeIfAbsent(machine, m -> new DiffArch(Machines.forElf(m).arch()));
    }

    InsnDecoder decoder() {
        return arch.decoder();
    }

    /** Bytes patched by a relocation of this type (0 for none or unknown). */
    int fieldSize(int relocType) {
        return relocType >= 0 && relocType < 256 ? width[relocType] : 0;
    }

    /** Whether the relocation is relative to the place (S + A - P). */
    boolean isPcRelative(int relocType) {
        return relocType >= 0 && relocType < 256 && pcRelative[relocType];
    }

    /** The 64-bit absolute relocation (x86-64: R_X86_64_64). */
    int absolute64() {
        return arch.absolute64().type();
    }

    /** The profiling call every traceable function makes first (x86: __fentry__). */
    Set<String> profilingCallees() {
        return profilingCallees;
    }
}
