package dev.kelp.elf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/** Structural comparison of two ELF models: what a round trip must preserve. */
final class ElfAssert {
    private ElfAssert() {
    }

    static void assertSameModel(ElfFile a, ElfFile b) {
        String where = a.name();
        assertThat(b.type()).as(where + " e_type").isEqualTo(a.type());
        assertThat(b.machine()).as(where + " e_machine").isEqualTo(a.machine());
        assertThat(b.flags()).as(where + " e_flags").isEqualTo(a.flags());
        assertThat(b.osabi()).as(where + " osabi").isEqualTo(a.osabi());
        List<Section> sa = a.sections();
        List<Section> sb = b.sections();
        assertThat(sb).as(where + " section count").hasSameSizeAs(sa);
        for (int i = 0; i < sa.size(); i++) {
            assertSameSection(a, sa.get(i), sb.get(i));
        }
        List<Symbol> ya = a.symbols();
        List<Symbol> yb = b.symbols();
        assertThat(yb).as(where + " symbol count").hasSameSizeAs(ya);
        for (int i = 0; i < ya.size(); i++) {
            assertSameSymbol(where, ya.get(i), yb.get(i));
        }
    }

    private static void assertSameSection(ElfFile fa, Section a, Section b) {
        String w = fa.name() + " section " + a.index() + " " + a.name();
        assertThat(b.name()).as(w + " name").isEqualTo(a.name());
        assertThat(b.index()).as(w + " index").isEqualTo(a.index());
        assertThat(b.type()).as(w + " type").isEqualTo(a.type());
        assertThat(b.flags()).as(w + " flags").isEqualTo(a.flags());
        assertThat(b.addr()).as(w + " addr").isEqualTo(a.addr());
        assertThat(b.addralign()).as(w + " addralign").isEqualTo(a.addralign());
        boolean rebuiltStrings = a == fa.shstrtab() || isSymbolStringTable(fa, a);
        if (!rebuiltStrings) {
            assertThat(b.size()).as(w + " size").isEqualTo(a.size());
        }
        assertThat(indexOf(b.link())).as(w + " link").isEqualTo(indexOf(a.link()));
        assertThat(indexOf(b.infoSection())).as(w + " info section").isEqualTo(indexOf(a.infoSection()));
        if (!(a instanceof SymbolTable || a instanceof RelocationSection || a instanceof GroupSection
                || rebuiltStrings)) {
            assertThat(b.entsize()).as(w + " entsize").isEqualTo(a.entsize());
            assertThat(b.info()).as(w + " info").isEqualTo(a.info());
            assertThat(b.data()).as(w + " contents").isEqualTo(a.data());
        }
        if (a instanceof RelocationSection ra) {
            RelocationSection rb = (RelocationSection) b;
            assertThat(indexOf(rb.target())).as(w + " target").isEqualTo(indexOf(ra.target()));
            List<Relocation> la = ra.relocations();
            List<Relocation> lb = rb.relocations();
            assertThat(lb).as(w + " relocation count").hasSameSizeAs(la);
            for (int i = 0; i < la.size(); i++) {
                Relocation x = la.get(i);
                Relocation y = lb.get(i);
                String rw = w + " relocation " + i;
                assertThat(y.offset()).as(rw + " offset").isEqualTo(x.offset());
                assertThat(y.type()).as(rw + " type").isEqualTo(x.type());
                assertThat(y.addend()).as(rw + " addend").isEqualTo(x.addend());
                assertThat(symIndex(y.symbol())).as(rw + " symbol").isEqualTo(symIndex(x.symbol()));
                if (x.symbol() != null) {
                    assertThat(y.symbol().name()).as(rw + " symbol name").isEqualTo(x.symbol().name());
                }
            }
        }
        if (a instanceof GroupSection ga) {
            GroupSection gb = (GroupSection) b;
            assertThat(gb.groupFlags()).as(w + " group flags").isEqualTo(ga.groupFlags());
            assertThat(gb.members().stream().map(Section::index).toList()).as(w + " members")
                    .isEqualTo(ga.members().stream().map(Section::index).toList());
            assertThat(symIndex(gb.signature())).as(w + " signature").isEqualTo(symIndex(ga.signature()));
        }
    }

    private static void assertSameSymbol(String where, Symbol a, Symbol b) {
        String w = where + " symbol " + a.index() + " " + a.name();
        assertThat(b.index()).as(w + " index").isEqualTo(a.index());
        assertThat(b.name()).as(w + " name").isEqualTo(a.name());
        assertThat(b.value()).as(w + " value").isEqualTo(a.value());
        assertThat(b.size()).as(w + " size").isEqualTo(a.size());
        assertThat(b.info()).as(w + " info").isEqualTo(a.info());
        assertThat(b.other()).as(w + " other").isEqualTo(a.other());
        assertThat(b.shndx()).as(w + " shndx").isEqualTo(a.shndx());
        assertThat(b.section() == null ? null : b.section().name()).as(w + " section")
                .isEqualTo(a.section() == null ? null : a.section().name());
    }

    private static boolean isSymbolStringTable(ElfFile f, Section s) {
        for (Section x : f.sections()) {
            if (x instanceof SymbolTable t && t.link() == s) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(Section s) {
        return s == null ? 0 : s.index();
    }

    private static int symIndex(Symbol s) {
        return s == null ? 0 : s.index();
    }
}
