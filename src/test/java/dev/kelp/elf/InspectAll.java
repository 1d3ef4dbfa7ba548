package dev.kelp.elf;

import dev.kelp.inspect.Inspector;

/** Touches everything a reader may load lazily: contents, names, symbols, relocations, views. */
final class InspectAll {
    private InspectAll() {
    }

    static long touch(ElfFile elf) {
        long h = 0;
        for (Section s : elf.sections()) {
            h += s.name().hashCode() + s.size() + s.data().length + s.contents().capacity();
            if (s.link() != null) {
                h += s.link().index();
            }
            if (s instanceof RelocationSection r) {
                for (Relocation rel : r.relocations()) {
                    h += rel.offset() + (rel.symbol() == null ? 0 : rel.symbol().name().length());
                }
            }
            if (s instanceof GroupSection g) {
                h += g.members().size();
            }
        }
        for (Symbol s : elf.symbols()) {
            h += s.name().length() + s.shndx() + (s.section() == null ? 0 : s.section().name().length());
        }
        h += new Inspector(Inspector.standardViews()).toJson(elf.name(), elf).size();
        return h;
    }
}
