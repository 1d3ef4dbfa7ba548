package dev.kelp.clones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.kelp.diff.StructSizes;
import dev.kelp.elf.ElfFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The binary route ({@code kelp diff} per unit) and the reasons it gives for functions only it
 * finds, on objects gcc-12 builds like kbuild does (function and data sections, -pg hooks).
 */
class BinaryRouteTest {
    @TempDir
    Path dir;

    private static final String ORIGINAL = """
            extern int sink(int);
            __attribute__((noinline)) int f(int x) { return sink(x + 1); }
            __attribute__((noinline)) int g(int x) { return sink(x ^ 1000); }
            __attribute__((noinline)) int k(int x) { return sink(x - 3); }
            __attribute__((noinline)) int gone(int x) { return sink(x - 4); }
            """;
    // gone: removed by the patch; f: the change the patch makes; g: only a constant differs; h: new; k: now calls the new h
    private static final String PATCHED = """
            extern int sink(int);
            __attribute__((noinline)) int f(int x) { return sink(x + 2); }
            __attribute__((noinline)) int g(int x) { return sink(x ^ 2000); }
            __attribute__((noinline)) int h(int x) { return sink(x) + 5; }
            __attribute__((noinline)) int k(int x) { return h(x - 3); }
            """;

    private BinaryRoute.UnitObjects build() throws IOException {
        GccFixture o = GccFixture.compile(Files.createDirectories(dir.resolve("a")), "unit", ORIGINAL,
                "-ffunction-sections", "-fdata-sections", "-pg", "-mfentry");
        GccFixture p = GccFixture.compile(Files.createDirectories(dir.resolve("b")), "unit", PATCHED,
                "-ffunction-sections", "-fdata-sections", "-pg", "-mfentry");
        return new BinaryRoute.UnitObjects("drv/unit.c", List.of("drvmod"), o.object(), p.object());
    }

    @Test
    void differFindsChangedAndNewFunctionsPerTargetObject() throws IOException {
        BinaryRoute b = BinaryRoute.run(List.of(build()), StructSizes.none());
        assertThat(b.changedIn("drvmod")).containsExactlyInAnyOrder("f", "g", "k");
        assertThat(b.addedIn("drvmod")).containsExactly("h");
        assertThat(b.removedIn("drvmod")).containsExactly("gone");
        assertThat(b.outcomes()).singleElement().asString().startsWith("drv/unit.c: changed (3 changed, 1 new)");
        assertThat(b.delta("drvmod", "g")).get().satisfies(d -> {
            assertThat(d.sameReferences()).isTrue();
            assertThat(d.sameBytes()).isFalse();
        });
        assertThat(b.delta("drvmod", "k")).get().satisfies(d -> {
            assertThat(d.referencesNow()).contains("h");
            assertThat(d.referencesWas()).contains("sink");
        });
    }

    @Test
    void binaryOnlyFunctionsGetTheirReason() throws IOException {
        BinaryRoute b = BinaryRoute.run(List.of(build()), StructSizes.none());
        // the source route as if the patch touched f only (e.g. g and k changed through something it does not follow)
        AffectedFunction f = new AffectedFunction("drvmod", "drv/unit.c", "f", "f", List.of(), Presence.OWN_SYMBOL, "symbol in drvmod");
        AffectedFunction gone = new AffectedFunction("drvmod", "drv/unit.c", "gone", "gone", List.of(), Presence.OWN_SYMBOL,
                "symbol in drvmod");
        ClonesAnalysis.Result source = new ClonesAnalysis.Result(java.util.Map.of("drvmod", List.of(f, gone)), List.of());
        List<RouteComparison.Row> rows = RouteComparison.compare(source, null, b);
        assertThat(rows).extracting(RouteComparison.Row::function, RouteComparison.Row::verdict).containsExactlyInAnyOrder(
                tuple("f", RouteComparison.Verdict.AGREE),
                tuple("gone", RouteComparison.Verdict.SOURCE_ONLY),
                tuple("g", RouteComparison.Verdict.BINARY_ONLY),
                tuple("k", RouteComparison.Verdict.BINARY_ONLY),
                tuple("h", RouteComparison.Verdict.BINARY_ONLY));
        assertThat(reason(rows, "h")).startsWith("a function added by the patch");
        assertThat(reason(rows, "k")).startsWith("it now calls or refers to h, a function added by the patch");
        assertThat(reason(rows, "g")).startsWith("only a constant changed");
        assertThat(reason(rows, "gone")).startsWith("the patched build no longer has it");
    }

    @Test
    void cloneCountersAreMaskedInReferences() throws IOException {
        GccFixture o = GccFixture.compile(Files.createDirectories(dir.resolve("c")), "unit", GccFixture.CLONES,
                "-ffunction-sections");
        ElfFile elf = ElfFile.read(o.object());
        assertThat(CodeDelta.mask("use_big.constprop.0.isra.0")).isEqualTo("use_big.constprop.N.isra.N");
        // a function compared with itself: no delta
        String any = elf.symbols().stream().filter(s -> s.type() == dev.kelp.elf.Elf.STT_FUNC && s.section() != null)
                .findFirst().orElseThrow().name();
        assertThat(CodeDelta.of(elf, elf, any)).get().satisfies(d -> {
            assertThat(d.sameBytes()).isTrue();
            assertThat(d.sameReferences()).isTrue();
            assertThat(d.describe()).contains("same size", "same references");
        });
        assertThat(CodeDelta.of(elf, elf, "no_such_function")).isEmpty();
    }

    private static String reason(List<RouteComparison.Row> rows, String function) {
        return rows.stream().filter(r -> r.function().equals(function)).findFirst().orElseThrow().reason();
    }
}
