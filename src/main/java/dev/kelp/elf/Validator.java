package dev.kelp.elf;

import dev.kelp.util.KelpException;
import java.util.List;

/**
 * Checks, before writing, that every reference in the model points at something that will be
 * in the output: a dangling reference would otherwise become a silently wrong index.
 */
final class Validator {
    private final ElfFile elf;
    private final String target;

    private Validator(ElfFile elf, String target) {
        this.elf = elf;
        this.target = target;
    }

    static void check(ElfFile elf, List<Section> fileSections, String target) {
        new Validator(elf, target).run(fileSections);
    }

    private void run(List<Section> fileSections) {
        for (Section s : fileSections) {
            if (s instanceof ElfWriter.ExtendedIndexSection) {
                continue;
            }
            if (s.link() != null) {
                requireSection(s.link(), "section " + s.name() + ": sh_link");
            }
            if (s instanceof SymbolTable t) {
                checkSymbols(t);
            } else if (s instanceof RelocationSection r) {
                checkRelocations(r);
            } else if (s instanceof GroupSection g) {
                checkGroup(g);
            } else if (s.infoSection() != null) {
                requireSection(s.infoSection(), "section " + s.name() + ": sh_info");
            }
        }
    }

    private void checkSymbols(SymbolTable t) {
        Section strtab = t.link();
        if (strtab == null || strtab.type() != Elf.SHT_STRTAB) {
            throw fail("symbol table " + t.name() + " has no string table (sh_link must be a SHT_STRTAB section)");
        }
        for (Symbol s : t.symbols()) {
            if (s.section() != null) {
                requireSection(s.section(), "symbol " + s.name() + " in " + t.name());
            }
        }
    }

    private void checkRelocations(RelocationSection r) {
        if (r.target() != null) {
            requireSection(r.target(), "relocation section " + r.name() + ": target");
        }
        SymbolTable t = r.symbolTable();
        for (Relocation rel : r.relocations()) {
            Symbol s = rel.symbol();
            if (s == null) {
                continue;
            }
            if (t == null || !inTable(t, s)) {
                throw fail("relocation at offset 0x" + Long.toHexString(rel.offset()) + " in " + r.name()
                        + " refers to symbol '" + s.name() + "', which is not in "
                        + (t == null ? "a symbol table (sh_link)" : t.name()));
            }
        }
    }

    private void checkGroup(GroupSection g) {
        for (Section m : g.members()) {
            requireSection(m, "group " + g.name() + ": member");
        }
        Symbol sig = g.signature();
        if (sig != null && !(g.link() instanceof SymbolTable t && inTable(t, sig))) {
            throw fail("group " + g.name() + ": signature symbol '" + sig.name() + "' is not in its symbol table");
        }
    }

    private static boolean inTable(SymbolTable t, Symbol s) {
        int i = s.index;
        return i >= 1 && i <= t.symbols().size() && t.symbols().get(i - 1) == s;
    }

    private void requireSection(Section s, String who) {
        if (s.owner != elf || elf.sectionAt(s.index) != s) {
            throw fail(who + " refers to section " + s.name() + ", which is not in the file");
        }
    }

    private KelpException fail(String what) {
        return new KelpException(target + ": cannot write: " + what);
    }
}
