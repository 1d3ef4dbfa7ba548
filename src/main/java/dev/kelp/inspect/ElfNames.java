package dev.kelp.inspect;

import dev.kelp.elf.Elf;
import dev.kelp.elf.Section;
import dev.kelp.elf.Symbol;
import java.util.Map;

/** Display names for ELF constants, in readelf's spelling where readelf has one. */
final class ElfNames {
    private ElfNames() {
    }

    private static final Map<Integer, String> SECTION_TYPES = Map.ofEntries(
            Map.entry(Elf.SHT_NULL, "NULL"), Map.entry(Elf.SHT_PROGBITS, "PROGBITS"),
            Map.entry(Elf.SHT_SYMTAB, "SYMTAB"), Map.entry(Elf.SHT_STRTAB, "STRTAB"),
            Map.entry(Elf.SHT_RELA, "RELA"), Map.entry(Elf.SHT_HASH, "HASH"),
            Map.entry(Elf.SHT_DYNAMIC, "DYNAMIC"), Map.entry(Elf.SHT_NOTE, "NOTE"),
            Map.entry(Elf.SHT_NOBITS, "NOBITS"), Map.entry(Elf.SHT_REL, "REL"),
            Map.entry(Elf.SHT_SHLIB, "SHLIB"), Map.entry(Elf.SHT_DYNSYM, "DYNSYM"),
            Map.entry(Elf.SHT_INIT_ARRAY, "INIT_ARRAY"), Map.entry(Elf.SHT_FINI_ARRAY, "FINI_ARRAY"),
            Map.entry(Elf.SHT_PREINIT_ARRAY, "PREINIT_ARRAY"), Map.entry(Elf.SHT_GROUP, "GROUP"),
            Map.entry(Elf.SHT_SYMTAB_SHNDX, "SYMTAB_SHNDX"), Map.entry(Elf.SHT_GNU_ATTRIBUTES, "GNU_ATTRIBUTES"),
            Map.entry(Elf.SHT_GNU_HASH, "GNU_HASH"), Map.entry(Elf.SHT_GNU_VERDEF, "VERDEF"),
            Map.entry(Elf.SHT_GNU_VERNEED, "VERNEED"), Map.entry(Elf.SHT_GNU_VERSYM, "VERSYM"),
            Map.entry(Elf.SHT_LLVM_ADDRSIG, "LLVM_ADDRSIG"), Map.entry(Elf.SHT_X86_64_UNWIND, "X86_64_UNWIND"));

    private static final String[] SYMBOL_TYPES = {
        "NOTYPE", "OBJECT", "FUNC", "SECTION", "FILE", "COMMON", "TLS", "7", "8", "9", "IFUNC", "11", "12",
        "13", "14", "15",
    };

    private static final String[] BINDS = {
        "LOCAL", "GLOBAL", "WEAK", "3", "4", "5", "6", "7", "8", "9", "UNIQUE", "11", "12", "13", "14", "15",
    };

    private static final String[] VISIBILITIES = {"DEFAULT", "INTERNAL", "HIDDEN", "PROTECTED"};

    /** readelf's section flag letters, bit by bit. */
    private static final long[] FLAG_BITS = {
        Elf.SHF_WRITE, Elf.SHF_ALLOC, Elf.SHF_EXECINSTR, Elf.SHF_MERGE, Elf.SHF_STRINGS, Elf.SHF_INFO_LINK,
        Elf.SHF_LINK_ORDER, Elf.SHF_OS_NONCONFORMING, Elf.SHF_GROUP, Elf.SHF_TLS, Elf.SHF_COMPRESSED,
        Elf.SHF_RELA_LIVEPATCH, Elf.SHF_GNU_RETAIN, Elf.SHF_EXCLUDE,
    };
    private static final char[] FLAG_LETTERS = {'W', 'A', 'X', 'M', 'S', 'I', 'L', 'O', 'G', 'T', 'C', 'o', 'R', 'E'};

    public static String sectionType(int type) {
        String n = SECTION_TYPES.get(type);
        return n != null ? n : "0x" + Integer.toHexString(type);
    }

    /** readelf-style letters; bits without a letter show as 'x'. */
    public static String sectionFlags(long flags) {
        StringBuilder sb = new StringBuilder();
        long rest = flags;
        for (int i = 0; i < FLAG_BITS.length; i++) {
            if ((flags & FLAG_BITS[i]) != 0) {
                sb.append(FLAG_LETTERS[i]);
                rest &= ~FLAG_BITS[i];
            }
        }
        if (rest != 0) {
            sb.append('x');
        }
        return sb.toString();
    }

    public static String symbolType(int type) {
        return SYMBOL_TYPES[type & 0xf];
    }

    public static String bind(int bind) {
        return BINDS[bind & 0xf];
    }

    public static String visibility(int vis) {
        return VISIBILITIES[vis & 0x3];
    }

    /** The section column of a symbol: the section name, or UND/ABS/COM/LIVEPATCH/0xNNNN. */
    public static String symbolSection(Symbol s) {
        Section sec = s.section();
        if (sec != null) {
            return sec.name();
        }
        switch (s.specialIndex()) {
            case Elf.SHN_UNDEF:
                return "UND";
            case Elf.SHN_ABS:
                return "ABS";
            case Elf.SHN_COMMON:
                return "COM";
            case Elf.SHN_LIVEPATCH:
                return "LIVEPATCH";
            default:
                return "0x" + Integer.toHexString(s.specialIndex());
        }
    }

    /** A symbol as relocations show it: section symbols by their section's name. */
    public static String symbolLabel(Symbol s) {
        if (s == null) {
            return "";
        }
        if (s.isSection() && s.name().isEmpty() && s.section() != null) {
            return s.section().name();
        }
        return s.name();
    }

    public static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
