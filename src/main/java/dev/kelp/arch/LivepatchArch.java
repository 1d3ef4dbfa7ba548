package dev.kelp.arch;

import java.util.Set;

/**
 * What the target kernel's module loader and livepatch core accept on one architecture: the
 * relocation types its {@code apply_relocate_add} handles, the width of the field each one
 * writes (klp relocations need that field zero), the absolute 64-bit type kelp's side-band
 * records use, and the special sections the kernel processes at module load.
 */
public interface LivepatchArch {
    /** Machine name for messages ("x86-64"). */
    String name();

    /** Relocation types the target's module loader applies; any other type fails the load. */
    Set<Integer> loaderRelocationTypes();

    /** Bytes written by a relocation of that type (0 for a no-op type, -1 if unknown). */
    int fieldWidth(int type);

    /** The absolute 64-bit relocation type (pointers in data). */
    int absolute64();

    /**
     * Sections whose entries the kernel processes when the patch module loads (jump labels,
     * static calls, alternatives...): an entry there must not depend on a klp relocation that is
     * applied later (module-specific ones).
     */
    Set<String> specialSections();
}
