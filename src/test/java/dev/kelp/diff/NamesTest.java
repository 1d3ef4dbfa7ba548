package dev.kelp.diff;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Name masking and classification rules used by correlation and checksums. */
class NamesTest {
    @Test
    void compilerNumbersAreMasked() {
        assertThat(Names.mangle("foo.isra.3")).isEqualTo(Names.mangle("foo.isra.17"));
        assertThat(Names.mangle("foo.constprop.0.isra.1")).isEqualTo("foo.constprop.#.isra.#");
        assertThat(Names.mangle("var.1234")).isEqualTo("var.#");
        assertThat(Names.mangle("meminfo_proc_open.cold.0")).isEqualTo(Names.mangle("meminfo_proc_open.cold.7"));
        assertThat(Names.mangle("__UNIQUE_ID_ddebug123")).isEqualTo(Names.mangle("__UNIQUE_ID_ddebug456"));
        assertThat(Names.mangle("__UNIQUE_ID_ddebug123.7")).isEqualTo("__UNIQUE_ID_ddebug#.#");
        // digits that are part of a name are not numbers added by the compiler
        assertThat(Names.mangle("sha256_update")).isEqualTo("sha256_update");
        assertThat(Names.mangle("x86.v2")).isEqualTo("x86.v2");
        assertThat(Names.mangle(".rodata.f.str1.1")).isEqualTo(".rodata.f.str1.1");
    }

    @Test
    void maskingIgnoresTheNumberOnly() {
        java.util.Random r = new java.util.Random(5);
        for (int t = 0; t < 1000; t++) {
            StringBuilder base = new StringBuilder();
            for (int n = 1 + r.nextInt(12); n > 0; n--) {
                base.append((char) (33 + r.nextInt(94)));
            }
            maskingIgnoresTheNumberOnly(base.toString(), r.nextInt(100001), r.nextInt(100001));
        }
    }

    private static void maskingIgnoresTheNumberOnly(String base, int a, int b) {
        String clean = base.replaceAll("[^A-Za-z_]", "_");
        assertThat(Names.mangle(clean + ".isra." + a)).isEqualTo(Names.mangle(clean + ".isra." + b));
        assertThat(Names.mangle(clean + ".isra." + a)).isNotEqualTo(Names.mangle(clean + "x.isra." + a));
        assertThat(Names.mangle(Names.mangle(clean + "." + a))).isEqualTo(Names.mangle(clean + "." + a));
    }

    @Test
    void perCallSiteStaticsAreRecognisedInBothSpellings() {
        assertThat(Names.isSpecialStatic("__warned.12", ".data.unlikely")).isTrue();
        assertThat(Names.isSpecialStatic("__key.65843", ".bss.__key.65843")).isTrue();
        assertThat(Names.isSpecialStatic("my_func.__already_done", ".data")).isTrue();
        assertThat(Names.isSpecialStatic("CSWTCH.123", ".rodata.CSWTCH.123")).isTrue();
        assertThat(Names.isSpecialStatic("anything", ".data..once")).isTrue();
        assertThat(Names.isSpecialStatic("counter.3", ".bss.counter.3")).isFalse();
        assertThat(Names.isSpecialStatic("table", ".data.table")).isFalse();
    }

    @Test
    void coldPartsAndPrefixesFindTheirFunction() {
        assertThat(Names.coldParent("foo.cold")).isEqualTo("foo");
        assertThat(Names.coldParent("foo.constprop.0.cold.3")).isEqualTo("foo.constprop.0");
        assertThat(Names.coldParent("foo.colder")).isNull();
        assertThat(Names.coldParent("foo")).isNull();
        assertThat(Names.prefixedFunction("__pfx_foo")).isEqualTo("foo");
        assertThat(Names.prefixedFunction("foo")).isNull();
        assertThat(Names.stripNumbers("__key.12.3")).isEqualTo("__key");
    }
}
