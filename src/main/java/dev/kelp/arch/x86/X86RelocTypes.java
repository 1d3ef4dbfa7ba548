package dev.kelp.arch.x86;

import dev.kelp.arch.RelocType;
import dev.kelp.arch.RelocType.Kind;
import dev.kelp.arch.RelocType.Range;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * x86-64 relocation types (System V AMD64 psABI), as a table. The module-loader column is the
 * switch in Linux 6.1 {@code arch/x86/kernel/module.c:apply_relocate_add}: NONE, 64, 32, 32S,
 * PC32, PLT32, PC64; anything else makes the loader fail with "Unknown rela relocation".
 */
final class X86RelocTypes {
    private X86RelocTypes() {
    }

    /** type  name  width  kind  range  module-loader. */
    private static final String TABLE = """
            0  R_X86_64_NONE             0 NONE        ANY      yes
            1  R_X86_64_64               8 ABSOLUTE    ANY      yes
            2  R_X86_64_PC32             4 PC_RELATIVE SIGNED   yes
            3  R_X86_64_GOT32            4 OTHER       SIGNED   no
            4  R_X86_64_PLT32            4 PC_RELATIVE SIGNED   yes
            5  R_X86_64_COPY             0 OTHER       ANY      no
            6  R_X86_64_GLOB_DAT         8 OTHER       ANY      no
            7  R_X86_64_JUMP_SLOT        8 OTHER       ANY      no
            8  R_X86_64_RELATIVE         8 OTHER       ANY      no
            9  R_X86_64_GOTPCREL         4 OTHER       SIGNED   no
            10 R_X86_64_32               4 ABSOLUTE    UNSIGNED yes
            11 R_X86_64_32S              4 ABSOLUTE    SIGNED   yes
            12 R_X86_64_16               2 ABSOLUTE    UNSIGNED no
            13 R_X86_64_PC16             2 PC_RELATIVE SIGNED   no
            14 R_X86_64_8                1 ABSOLUTE    UNSIGNED no
            15 R_X86_64_PC8              1 PC_RELATIVE SIGNED   no
            16 R_X86_64_DTPMOD64         8 OTHER       ANY      no
            17 R_X86_64_DTPOFF64         8 OTHER       ANY      no
            18 R_X86_64_TPOFF64          8 OTHER       ANY      no
            19 R_X86_64_TLSGD            4 OTHER       SIGNED   no
            20 R_X86_64_TLSLD            4 OTHER       SIGNED   no
            21 R_X86_64_DTPOFF32         4 OTHER       SIGNED   no
            22 R_X86_64_GOTTPOFF         4 OTHER       SIGNED   no
            23 R_X86_64_TPOFF32          4 OTHER       SIGNED   no
            24 R_X86_64_PC64             8 PC_RELATIVE ANY      yes
            25 R_X86_64_GOTOFF64         8 OTHER       ANY      no
            26 R_X86_64_GOTPC32          4 OTHER       SIGNED   no
            27 R_X86_64_GOT64            8 OTHER       ANY      no
            28 R_X86_64_GOTPCREL64       8 OTHER       ANY      no
            29 R_X86_64_GOTPC64          8 OTHER       ANY      no
            30 R_X86_64_GOTPLT64         8 OTHER       ANY      no
            31 R_X86_64_PLTOFF64         8 OTHER       ANY      no
            32 R_X86_64_SIZE32           4 OTHER       UNSIGNED no
            33 R_X86_64_SIZE64           8 OTHER       ANY      no
            34 R_X86_64_GOTPC32_TLSDESC  4 OTHER       SIGNED   no
            35 R_X86_64_TLSDESC_CALL     0 OTHER       ANY      no
            36 R_X86_64_TLSDESC         16 OTHER       ANY      no
            37 R_X86_64_IRELATIVE        8 OTHER       ANY      no
            38 R_X86_64_RELATIVE64       8 OTHER       ANY      no
            41 R_X86_64_GOTPCRELX        4 OTHER       SIGNED   no
            42 R_X86_64_REX_GOTPCRELX    4 OTHER       SIGNED   no
            """;

    static final List<RelocType> ALL = parse();
    private static final RelocType[] BY_TYPE = index(ALL);

    static RelocType byType(int type) {
        return type >= 0 && type < BY_TYPE.length ? BY_TYPE[type] : null;
    }

    static RelocType byName(String name) {
        for (RelocType t : ALL) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("no x86-64 relocation type named " + name);
    }

    private static List<RelocType> parse() {
        List<RelocType> out = new ArrayList<>();
        for (String line : TABLE.strip().split("\n")) {
            String[] f = line.trim().split("\\s+");
            out.add(new RelocType(Integer.parseInt(f[0]), f[1], Integer.parseInt(f[2]), Kind.valueOf(f[3]),
                    Range.valueOf(f[4]), f[5].equals("yes")));
        }
        return Collections.unmodifiableList(out);
    }

    private static RelocType[] index(List<RelocType> all) {
        RelocType[] byType = new RelocType[64];
        for (RelocType t : all) {
            byType[t.type()] = t;
        }
        return byType;
    }
}
