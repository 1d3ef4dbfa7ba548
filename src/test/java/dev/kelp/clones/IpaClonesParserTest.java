package dev.kelp.clones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelp.util.KelpException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IpaClonesParserTest {
    @TempDir
    Path dir;

    private static List<String> relations(IpaDump d) {
        return d.edges().stream().map(IpaEdge::describe).distinct().collect(Collectors.toList());
    }

    private static List<String> removedNames(IpaDump d) {
        return d.removed().stream().map(IpaNode::name).distinct().sorted().toList();
    }

    @Test
    void dumpIsNamedAfterTheObjectWithTheSourceSuffix() throws IOException {
        GccFixture f = GccFixture.compile(dir, "inl", GccFixture.INLINE);
        assertThat(f.dump()).exists();
        assertThat(f.dump().getFileName().toString()).isEqualTo("inl.c.000i.ipa-clones");
        assertThat(f.dump().getParent()).isEqualTo(f.object().getParent());
    }

    @Test
    void staticInlineAndAlwaysInlineBecomeInliningEdgesAndRemovals() throws IOException {
        IpaDump d = GccFixture.compile(dir, "inl", GccFixture.INLINE).parse();
        assertThat(d.format()).isEqualTo(IpaDump.Format.CURRENT);
        assertThat(relations(d)).contains("helper inlined into g", "helper inlined into h",
                "ahelper inlined into g");
        assertThat(removedNames(d)).containsExactly("ahelper", "helper");
        IpaEdge e = d.edges().stream().filter(x -> x.from().name().equals("helper")).findFirst().orElseThrow();
        assertThat(e.field()).isEqualTo("inlining to");
        assertThat(e.from().file()).endsWith("inl.c");
        assertThat(e.from().line()).isEqualTo(1);
        assertThat(e.to().line()).isIn(3, 4);
        assertThat(e.from().order()).isNotEqualTo(e.to().order());
    }

    @Test
    void constpropIsraAndCloneOfCloneAreTypedBySuffix() throws IOException {
        IpaDump d = GccFixture.compile(dir, "cl", GccFixture.CLONES).parse();
        assertThat(relations(d)).contains("k.constprop.0 constprop clone of k",
                "deref.isra.0 isra clone of deref",
                "use_big.constprop.0 constprop clone of use_big",
                "use_big.constprop.0.isra.0 isra clone of use_big.constprop.0");
        assertThat(d.edges()).filteredOn(e -> e.to().name().equals("deref.isra.0"))
                .extracting(IpaEdge::kind).containsOnly(CloneKind.ISRA);
    }

    @Test
    void partialInliningGivesAPartCloneAndInlinedHeads() throws IOException {
        IpaDump d = GccFixture.compile(dir, "part", GccFixture.PARTIAL).parse();
        assertThat(relations(d)).contains("part_fn.part.0 part clone of part_fn",
                "part_fn inlined into call_part1", "part_fn inlined into call_part2",
                "part_fn inlined into call_part3");
        assertThat(removedNames(d)).contains("part_fn");
    }

    @Test
    void recursionGivesSameNameCopiesAndRepeatedEdges() throws IOException {
        IpaDump d = GccFixture.compile(dir, "rec", GccFixture.RECURSION).parse();
        assertThat(relations(d)).contains("fact inlined into use_fact", "even inlined into odd");
        // Recursive inlining works on a same-name master clone, printed with the (null) suffix.
        assertThat(d.edges()).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo(CloneKind.SAME_NAME);
            assertThat(e.field()).isEqualTo("(null)");
            assertThat(e.to().name()).isEqualTo(e.from().name());
            assertThat(e.to().order()).isNotEqualTo(e.from().order());
        });
        // GCC prints some lines twice; the parser keeps each once.
        List<String> raw = Files.readAllLines(GccFixture.compile(dir, "rec2", GccFixture.RECURSION).dump());
        assertThat(raw.stream().filter(l -> l.startsWith("Callgraph clone")).distinct().count())
                .isEqualTo(IpaClonesParser.parse(dir.resolve("out/rec2.c.000i.ipa-clones"), "vmlinux").edges().size());
    }

    /**
     * gcc-12 cannot write the pre-upstream 14-field layout, so this rewrites gcc-12's real lines
     * into it (A;&lt;-;B;optimization:;kind, as documented in docs/clones.md) and expects the same graph.
     */
    @Test
    void oldFourteenFieldFormatParsesToTheSameGraph() throws IOException {
        GccFixture f = GccFixture.compile(dir, "cl", GccFixture.CLONES + GccFixture.PARTIAL);
        List<String> current = Files.readAllLines(f.dump());
        List<String> old = current.stream().map(IpaClonesParserTest::toOldFormat).toList();
        assertThat(old).anyMatch(l -> l.split(";", -1).length == 14);
        IpaDump a = IpaClonesParser.parse("cur", "vmlinux", current);
        IpaDump b = IpaClonesParser.parse("old", "vmlinux", old);
        assertThat(b.format()).isEqualTo(IpaDump.Format.OLD);
        assertThat(b.edges()).isEqualTo(a.edges());
        assertThat(b.removed()).isEqualTo(a.removed());
    }

    static String toOldFormat(String line) {
        String[] f = line.split(";", -1);
        if (!f[0].equals("Callgraph clone")) {
            return line;
        }
        return String.join(";", f[0], f[1], f[2], f[3], f[4], f[5], "<-", f[6], f[7], f[8], f[9], f[10],
                "optimization:", f[11]);
    }

    @Test
    void emptyDumpMeansNothingWasInlinedOrCloned() throws IOException {
        GccFixture f = GccFixture.compile(dir, "plain", "int f(int a) { return a + 1; }\n");
        IpaDump d = f.parse();
        assertThat(d.format()).isEqualTo(IpaDump.Format.EMPTY);
        assertThat(d.edges()).isEmpty();
    }

    @Test
    void badLinesAreRejectedWithFileAndLine() {
        assertThatThrownBy(() -> IpaClonesParser.parse("x.ipa-clones", "vmlinux",
                List.of("Callgraph removal;f;1;t.c;1;1", "Callgraph clone;f;1;t.c;1;1;g;2;t.c;2;1")))
                .isInstanceOf(KelpException.class)
                .hasMessageContaining("x.ipa-clones:2").hasMessageContaining("11 fields");
        assertThatThrownBy(() -> IpaClonesParser.parse("y", "vmlinux",
                List.of("Callgraph clone;f;one;t.c;1;1;g;2;t.c;2;1;inlining to")))
                .isInstanceOf(KelpException.class).hasMessageContaining("y:1").hasMessageContaining("'one'");
        assertThatThrownBy(() -> IpaClonesParser.parse("z", "vmlinux", List.of("int main() {}")))
                .isInstanceOf(KelpException.class).hasMessageContaining("z:1: not an ipa-clones line");
        assertThatThrownBy(() -> IpaClonesParser.parse("w", "vmlinux",
                List.of("Callgraph clone;f;1;t.c;1;1;->;g;2;t.c;2;1;optimization:;isra")))
                .isInstanceOf(KelpException.class).hasMessageContaining("'<-'");
        assertThatThrownBy(() -> IpaClonesParser.parse(dir.resolve("missing.ipa-clones"), "vmlinux"))
                .isInstanceOf(KelpException.class).hasMessageContaining("no such ipa-clones dump");
    }
}
