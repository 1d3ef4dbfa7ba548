package dev.kelp.diff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Symbol;
import org.junit.jupiter.api.Test;

/**
 * The differ keys its tables by ELF index; the original and the patched object number their
 * symbols alike, so a lookup with the other object's symbol must miss, as an identity map would.
 */
class IndexedMapTest {
    @Test
    void symbolsOfTwoReadsWithTheSameIndexAreDifferentKeys() {
        Corpus.Case c = Corpus.cases().get(0);
        ElfFile a = ElfFile.read(c.orig());
        ElfFile b = ElfFile.read(c.orig());
        IndexedMap<Symbol, String> m = new IndexedMap<>(a.symbols().size() + 1, Symbol::index);
        for (Symbol s : a.symbols()) {
            m.put(s, s.name());
        }
        for (int i = 0; i < a.symbols().size(); i++) {
            Symbol sa = a.symbols().get(i);
            Symbol sb = b.symbols().get(i);
            assertThat(sb.index()).isEqualTo(sa.index());
            assertThat(m.get(sa)).isEqualTo(sa.name());
            assertThat(m.get(sb)).isNull();
            assertThat(m.containsKey(sb)).isFalse();
        }
        // the other object's symbols can be stored too: they go beside, not over, the first ones
        for (Symbol s : b.symbols()) {
            m.put(s, "b:" + s.name());
        }
        for (int i = 0; i < a.symbols().size(); i++) {
            assertThat(m.get(a.symbols().get(i))).isEqualTo(a.symbols().get(i).name());
            assertThat(m.get(b.symbols().get(i))).isEqualTo("b:" + b.symbols().get(i).name());
        }
        Symbol first = a.symbols().get(0);
        assertThat(m.remove(first)).isEqualTo(first.name());
        assertThat(m.get(first)).isNull();
        assertThat(m.get(b.symbols().get(0))).isEqualTo("b:" + b.symbols().get(0).name());
    }
}
