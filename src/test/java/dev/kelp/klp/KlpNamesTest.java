package dev.kelp.klp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * klp names parse back the way the 6.1 kernel reads them ({@code ".klp.sym.%55[^.].%511[^,],%lu"}):
 * the object stops at the first '.', the symbol at the ',' before the position, and symbol
 * names may contain '.' (GCC clones such as {@code foo.isra.0}).
 */
class KlpNamesTest {
    private static final String ALPHA = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /** A random string of {@code min..max} characters from {@code chars}. */
    private static String randomString(Random r, String chars, int min, int max) {
        StringBuilder b = new StringBuilder();
        int n = min + r.nextInt(max - min + 1);
        for (int i = 0; i < n; i++) {
            b.append(chars.charAt(r.nextInt(chars.length())));
        }
        return b.toString();
    }

    /** Seeded random inputs, so that a failure names the seed that reproduces it. */
    @Test
    void symbolNamesRoundTrip() {
        Random seeds = new Random(7);
        for (int t = 0; t < 1000; t++) {
            long seed = seeds.nextLong();
            Random r = new Random(seed);
            String object = randomString(r, ALPHA + "_09", 1, 55);
            String symbol = randomString(r, ALPHA + "_.$", 1, 511);
            int sympos = r.nextInt(100001);
            String at = "seed " + seed;
            assertThat(KlpNames.objectProblem(object)).as(at).isEmpty();
            assertThat(KlpNames.symbolProblem(symbol)).as(at).isEmpty();
            KlpNames.KlpSymbolName p = KlpNames.parseSymbol(KlpNames.symbol(object, symbol, sympos)).orElseThrow();
            assertThat(p).as(at).isEqualTo(new KlpNames.KlpSymbolName(object, symbol, sympos));
        }
    }

    @Test
    void labelsRoundTrip() {
        Random seeds = new Random(11);
        for (int t = 0; t < 1000; t++) {
            long seed = seeds.nextLong();
            Random r = new Random(seed);
            String lp = randomString(r, ALPHA, 1, 55);
            String object = randomString(r, ALPHA, 1, 55);
            String symbol = randomString(r, ALPHA + "._", 1, 100);
            int pos = r.nextInt(1001);
            String label = KlpNames.LABEL_PREFIX + lp + "." + object + "." + symbol + "," + pos;
            assertThat(KlpNames.parseLabel(label)).as("seed " + seed).contains(new KlpNames.Label(lp, object, symbol, pos));
        }
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
