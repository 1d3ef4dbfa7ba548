package dev.kelp.clones;

import dev.kelp.csource.UnifiedDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.kelp.util.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both routes on a gcc-12 build: the source route from the patch and the dump, the binary route
 * approximated here by comparing each function's disassembly (with relocations) between the
 * original and the patched object built with -ffunction-sections.
 */
class RouteComparisonTest {
    @TempDir
    Path dir;

    private static final String UNIT = """
            #include "helpers.h"
            extern int sink(int);
            extern void warn_at(int line);
            static int table[4] = { 1, 2, 3, 4 };
            static __attribute__((noinline)) int scale(int v, int by)
            {
            \tint s = 0;
            \tfor (int i = 0; i < v; i++)
            \t\ts += by * i + table[i & 3];
            \treturn s;
            }
            int entry_a(int v) { return scale(v, 3) + twice(v); }
            int entry_b(int v) { return scale(v + 1, 3); }
            int entry_c(int v) { return sink(table[v & 3]); }
            int entry_d(int v)
            {
            \tif (v < 0)
            \t\twarn_at(__LINE__);
            \treturn v;
            }
            """;
    private static final String HELPERS = "static inline int twice(int x)\n{\n\treturn x * 2;\n}\n";

    private Path build(String tree, String unit) throws IOException {
        Path src = Files.createDirectories(dir.resolve(tree).resolve("drv"));
        Files.writeString(src.resolve("helpers.h"), HELPERS);
        Files.writeString(src.resolve("unit.c"), unit);
        Path obj = Files.createDirectories(dir.resolve("build-" + tree)).resolve("unit.o");
        Proc.of("gcc-12", "-O2", "-ffunction-sections", "-fdump-ipa-clones", "-c", "-o", obj.toString(), "drv/unit.c")
                .dir(dir.resolve(tree)).check("compile " + tree);
        return obj;
    }

    /** Function name → normalised disassembly of its .text.NAME section. */
    private static Map<String, String> functions(Path obj) {
        String dump = Proc.of("objdump", "-d", "-r", "--no-show-raw-insn", obj.toString()).check("objdump").stdout();
        Map<String, String> out = new LinkedHashMap<>();
        String current = null;
        StringBuilder body = new StringBuilder();
        for (String line : (dump + "\nDisassembly of section .text.END:").split("\n")) {
            if (line.startsWith("Disassembly of section ")) {
                if (current != null) {
                    out.put(current, body.toString());
                }
                String sec = line.substring("Disassembly of section ".length(), line.length() - 1);
                current = sec.startsWith(".text.") ? sec.substring(".text.".length()) : null;
                body.setLength(0);
            } else if (current != null) {
                body.append(line.replaceFirst("^\\s*[0-9a-f]+:\\s*", "")).append('\n');
            }
        }
        return out;
    }

    private Map<String, Set<String>> binaryRoute(Path orig, Path patched) {
        Map<String, String> a = functions(orig);
        Map<String, String> b = functions(patched);
        Set<String> changed = new TreeSet<>();
        b.forEach((f, code) -> {
            if (!code.equals(a.get(f))) {
                changed.add(f);
            }
        });
        return Map.of("drvmod", changed);
    }

    private List<RouteComparison.Row> compare(String patchedUnit) throws IOException {
        Path orig = build("a", UNIT);
        Path patched = build("b", patchedUnit);
        String diff = Proc.of("diff", "-ru", "a/drv", "b/drv").dir(dir).run().stdout();
        UnifiedDiff ud = UnifiedDiff.parse("fix.patch", diff);
        PatchMapping pm = new HunkMapper(dir.resolve("a"), List.of(), List.of()).map("fix.patch", ud);
        IpaDump dump = IpaClonesParser.parse(orig.resolveSibling("unit.c.000i.ipa-clones"), "drvmod")
                .withUnit("drv/unit.c");
        SymbolLookup symbols = new SymbolTables().add("drvmod", orig);
        ClonesAnalysis.Result r = ClonesAnalysis.run(pm.starts(), List.of(dump), symbols, "drvmod");
        return RouteComparison.compare(r, pm, binaryRoute(orig, patched));
    }

    @Test
    void codeChangeAgreesAndAShiftedLineIsExplained() throws IOException {
        List<RouteComparison.Row> rows = compare(UNIT.replace("\t\ts += by * i + table[i & 3];\n",
                "\t\ts += by * i + table[i & 3];\n\tif (s > 1000)\n\t\ts = 1000;\n"));
        assertThat(rows).extracting(RouteComparison.Row::function, RouteComparison.Row::verdict).containsExactlyInAnyOrder(
                tuple("scale", RouteComparison.Verdict.AGREE_NO_SYMBOL),
                tuple("scale.constprop.0", RouteComparison.Verdict.AGREE),
                tuple("entry_d", RouteComparison.Verdict.BINARY_ONLY));
        assertThat(rows).filteredOn(r -> r.function().equals("entry_d")).singleElement()
                .satisfies(r -> assertThat(r.reason()).contains("moved its lines", "__LINE__"));
        assertThat(ClonesReport.comparison(rows)).contains("agree_no_symbol drvmod scale", "binary_only     drvmod entry_d",
                "2 of 3 function(s) agree");
    }

    @Test
    void dataChangeUsersThatCompileToTheSameCodeAreSourceOnly() throws IOException {
        List<RouteComparison.Row> rows = compare(UNIT.replace("{ 1, 2, 3, 4 }", "{ 1, 2, 3, 5 }"));
        assertThat(rows).extracting(RouteComparison.Row::function, RouteComparison.Row::verdict).containsExactlyInAnyOrder(
                tuple("scale", RouteComparison.Verdict.AGREE_NO_SYMBOL),
                tuple("scale.constprop.0", RouteComparison.Verdict.SOURCE_ONLY),
                tuple("entry_c", RouteComparison.Verdict.SOURCE_ONLY));
        assertThat(rows).filteredOn(r -> r.verdict() == RouteComparison.Verdict.SOURCE_ONLY)
                .allSatisfy(r -> assertThat(r.reason()).contains("uses data table", "did not change"));
    }
}
