package dev.kelp.elf;

import java.util.Map;

/**
 * Relocation type NAMES per machine, for display only (inspect, messages), like the name tables
 * in binutils' readelf. What a relocation type MEANS (width, PC-relative, how to apply it) is
 * architecture knowledge and lives in dev.kelp.arch; elf keeps only these strings so that the
 * inspect view, which belongs to the elf stage, does not depend on a later stage.
 */
public final class RelocationNames {
    private RelocationNames() {
    }

    /** x86-64 psABI names, indexed by type. Types 39 and 40 (the *_BND variants) are obsolete. */
    private static final String[] X86_64 = {
        "R_X86_64_NONE", "R_X86_64_64", "R_X86_64_PC32", "R_X86_64_GOT32", "R_X86_64_PLT32",
        "R_X86_64_COPY", "R_X86_64_GLOB_DAT", "R_X86_64_JUMP_SLOT", "R_X86_64_RELATIVE",
        "R_X86_64_GOTPCREL", "R_X86_64_32", "R_X86_64_32S", "R_X86_64_16", "R_X86_64_PC16",
        "R_X86_64_8", "R_X86_64_PC8", "R_X86_64_DTPMOD64", "R_X86_64_DTPOFF64", "R_X86_64_TPOFF64",
        "R_X86_64_TLSGD", "R_X86_64_TLSLD", "R_X86_64_DTPOFF32", "R_X86_64_GOTTPOFF",
        "R_X86_64_TPOFF32", "R_X86_64_PC64", "R_X86_64_GOTOFF64", "R_X86_64_GOTPC32",
        "R_X86_64_GOT64", "R_X86_64_GOTPCREL64", "R_X86_64_GOTPC64", "R_X86_64_GOTPLT64",
        "R_X86_64_PLTOFF64", "R_X86_64_SIZE32", "R_X86_64_SIZE64", "R_X86_64_GOTPC32_TLSDESC",
        "R_X86_64_TLSDESC_CALL", "R_X86_64_TLSDESC", "R_X86_64_IRELATIVE", "R_X86_64_RELATIVE64",
        "R_X86_64_PC32_BND", "R_X86_64_PLT32_BND", "R_X86_64_GOTPCRELX", "R_X86_64_REX_GOTPCRELX",
    };

    private static final Map<Integer, String[]> BY_MACHINE = Map.of(Elf.EM_X86_64, X86_64);

    /** The name of a relocation type, or {@code R_unknown(N)} when the table has none. */
    public static String name(int machine, int type) {
        String[] names = BY_MACHINE.get(machine);
        if (names != null && type >= 0 && type < names.length) {
            return names[type];
        }
        return "R_unknown(" + Integer.toUnsignedString(type) + ")";
    }

    /** The type for a name on a machine, or -1. */
    public static int type(int machine, String name) {
        String[] names = BY_MACHINE.get(machine);
        if (names != null) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(name)) {
                    return i;
                }
            }
        }
        return -1;
    }
}
