package dev.kelp.symbols;

import java.util.List;

/**
 * The type letters GNU nm (and so System.map and kallsyms) gives ELF symbols, and the loader's
 * variant for module symbols (kernel/module/kallsyms.c elf_type). Upper case = global.
 */
final class NmTypes {
    private NmTypes() {}

    /** nm's letter for a defined or undefined symbol of an executable or object. */
    static char nm(ElfImage.Sym s, List<ElfImage.Section> sections) {
        boolean weak = s.bind() == ElfImage.STB_WEAK;
        if (s.shndx() == ElfImage.SHN_UNDEF) {
            return weak ? (s.type() == ElfImage.STT_OBJECT ? 'v' : 'w') : 'U';
        }
        if (weak) {
            return s.type() == ElfImage.STT_OBJECT ? 'V' : 'W';
        }
        if (s.bind() == ElfImage.STB_GNU_UNIQUE) {
            return 'u';
        }
        char c;
        if (s.shndx() == ElfImage.SHN_ABS) {
            c = 'a';
        } else if (s.shndx() == ElfImage.SHN_COMMON) {
            c = 'c';
        } else if (s.shndx() >= sections.size()) {
            c = '?';
        } else {
            c = bySection(sections.get(s.shndx()));
        }
        return s.bind() == ElfImage.STB_LOCAL ? c : Character.toUpperCase(c);
    }

    private static char bySection(ElfImage.Section sec) {
        if (sec.has(ElfImage.SHF_EXECINSTR)) {
            return 't';
        }
        if (sec.has(ElfImage.SHF_ALLOC)) {
            if (sec.type() == ElfImage.SHT_NOBITS) {
                return 'b';
            }
            return sec.has(ElfImage.SHF_WRITE) ? 'd' : 'r';
        }
        return sec.name().startsWith(".debug") ? 'N' : 'n';
    }

    /** kernel/module/kallsyms.c elf_type (x86: no small-data sections), lower case before export. */
    static char module(ElfImage.Sym s, List<ElfImage.Section> sections, int percpuIndex) {
        if (s.bind() == ElfImage.STB_WEAK) {
            return s.type() == ElfImage.STT_OBJECT ? 'v' : 'w';
        }
        if (s.shndx() == ElfImage.SHN_UNDEF) {
            return 'U';
        }
        if (s.shndx() == ElfImage.SHN_ABS || s.shndx() == percpuIndex) {
            return 'a';
        }
        if (s.shndx() >= ElfImage.SHN_LORESERVE || s.shndx() >= sections.size()) {
            return '?';
        }
        ElfImage.Section sec = sections.get(s.shndx());
        if (sec.has(ElfImage.SHF_EXECINSTR)) {
            return 't';
        }
        if (sec.has(ElfImage.SHF_ALLOC) && sec.type() != ElfImage.SHT_NOBITS) {
            return sec.has(ElfImage.SHF_WRITE) ? 'd' : 'r';
        }
        if (sec.type() == ElfImage.SHT_NOBITS) {
            return 'b';
        }
        return sec.name().startsWith(".debug") ? 'n' : '?';
    }
}
