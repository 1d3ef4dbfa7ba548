package dev.kelp.klp;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/**
 * klp names parse back the way the 6.1 kernel reads them ({@code ".klp.sym.%55[^.].%511[^,],%lu"}):
 * the object stops at the first '.', the symbol at the ',' before the position, and symbol
 * names may contain '.' (GCC clones such as {@code foo.isra.0}).
 */
class KlpNamesTest {
    @Property
    void symbolNamesRoundTrip(@ForAll @AlphaChars @Chars({'_', '0', '9'}) @StringLength(min = 1, max = 55) String object,
            @ForAll @AlphaChars @Chars({'_', '.', '$'}) @StringLength(min = 1, max = 511) String symbol,
            @ForAll @IntRange(min = 0, max = 100000) int sympos) {
        assertThat(KlpNames.objectProblem(object)).isEmpty();
        assertThat(KlpNames.symbolProblem(symbol)).isEmpty();
        KlpNames.KlpSymbolName p = KlpNames.parseSymbol(KlpNames.symbol(object, symbol, sympos)).orElseThrow();
        assertThat(p).isEqualTo(new KlpNames.KlpSymbolName(object, symbol, sympos));
    }

    @Property
    void labelsRoundTrip(@ForAll @AlphaChars @StringLength(min = 1, max = 55) String lp,
            @ForAll @AlphaChars @StringLength(min = 1, max = 55) String object,
            @ForAll @AlphaChars @Chars({'.', '_'}) @StringLength(min = 1, max = 100) String symbol,
            @ForAll @IntRange(min = 0, max = 1000) int pos) {
        String label = KlpNames.LABEL_PREFIX + lp + "." + object + "." + symbol + "," + pos;
        assertThat(KlpNames.parseLabel(label)).contains(new KlpNames.Label(lp, object, symbol, pos));
    }

    @Test
    void limitsAreTheKernels() {
        assertThat(KlpNames.objectProblem("a".repeat(55))).isEmpty();
        assertThat(KlpNames.objectProblem("a".repeat(56))).get().asString().contains("at most 55");
        assertThat(KlpNames.objectProblem("nf.conntrack")).get().asString().contains("'.'");
        assertThat(KlpNames.symbolProblem("s".repeat(511))).isEmpty();
        assertThat(KlpNames.symbolProblem("s".repeat(512))).get().asString().contains("at most 511");
        assertThat(KlpNames.symbolProblem("a,b")).get().asString().contains("','");
        assertThat(KlpNames.parseSymbol(".klp.sym.vmlinux.printk")).isEmpty();
        assertThat(KlpNames.parseSymbol(".klp.sym.vmlinux.printk,x")).isEmpty();
        assertThat(KlpNames.relaSection("vmlinux", ".text.cmdline_proc_show"))
                .isEqualTo(".klp.rela.vmlinux.text.cmdline_proc_show");
        assertThat(KlpNames.relaSection("btrfs", "__jump_table")).isEqualTo(".klp.rela.btrfs.__jump_table");
        assertThat(KlpNames.parseRelaObject(".klp.rela.nf_conntrack.text")).contains("nf_conntrack");
    }
}
