package dev.kelp.symbols;

import dev.kelp.elf.Elf;
import dev.kelp.elf.Section;
import dev.kelp.elf.Symbol;

/**
 * The type letters GNU nm (and so System.map and kallsyms) gives ELF symbols, and the loader's
 * variant for module symbols (kernel/module/kallsyms.c elf_type). Upper case = global.
 */
final class NmTypes {
    private NmTypes() {}

    /** nm's letter for a defined or undefined symbol of an executable or object. */
    static char nm(Symbol s) {
        if (s.isUndefined()) {
            return s.isWeak() ? (s.isObject() ? 'v' : 'w') : 'U';
        }
        if (s.isWeak()) {
            return s.isObject() ? 'V' : 'W';
        }
        if (s.bind() == Elf.STB_GNU_UNIQUE) {
            return 'u';
        }
        char c;
        if (s.isAbsolute()) {
            c = 'a';
        } else if (s.isCommon()) {
            c = 'c';
        } else if (s.section() == null) {
            c = '?';
        } else {
            c = bySection(s.section());
        }
        return s.isLocal() ? c : Character.toUpperCase(c);
    }

    private static char bySection(Section sec) {
        if (sec.isExecutable()) {
            return 't';
        }
        if (sec.isAlloc()) {
            if (sec.isNobits()) {
                return 'b';
            }
            return sec.hasFlag(Elf.SHF_WRITE) ? 'd' : 'r';
        }
        return sec.name().startsWith(".debug") ? 'N' : 'n';
    }

    /** kernel/module/kallsyms.c elf_type (x86: no small-data sections), lower case before export. */
    static char module(Symbol s, Section percpu) {
        if (s.isWeak()) {
            return s.isObject() ? 'v' : 'w';
        }
        if (s.isUndefined()) {
            return 'U';
        }
        if (s.isAbsolute() || (percpu != null && s.section() == percpu)) {
            return 'a';
        }
        Section sec = s.section();
        if (sec == null) {
            return '?';
        }
        if (sec.isExecutable()) {
            return 't';
        }
        if (sec.isAlloc() && !sec.isNobits()) {
            return sec.hasFlag(Elf.SHF_WRITE) ? 'd' : 'r';
        }
        if (sec.isNobits()) {
            return 'b';
        }
        return sec.name().startsWith(".debug") ? 'n' : '?';
    }
}
