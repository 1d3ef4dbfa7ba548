package dev.kelp.clones;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InlineClosureTest {
    @TempDir
    Path dir;

    private static Map<String, AffectedFunction> byName(List<AffectedFunction> fs) {
        return fs.stream().collect(Collectors.toMap(AffectedFunction::name, Function.identity()));
    }

    @Test
    void inlinedHelperBringsInItsCallersAndHasNoSymbol() throws IOException {
        GccFixture f = GccFixture.compile(dir, "inl", GccFixture.INLINE);
        Map<String, AffectedFunction> r = byName(new InlineClosure(f.parse()).close(List.of("helper"), f.symbols()));
        assertThat(r.keySet()).containsExactlyInAnyOrder("helper", "g", "h");
        assertThat(r.get("helper").presence()).isEqualTo(Presence.NO_SYMBOL);
        assertThat(r.get("helper").isStart()).isTrue();
        assertThat(r.get("g").presence()).isEqualTo(Presence.OWN_SYMBOL);
        assertThat(r.get("g").describeChain()).isEqualTo("helper inlined into g");
        assertThat(r.get("g").start()).isEqualTo("helper");
    }

    @Test
    void withoutSymbolsTheDumpDecidesOnlyForFullyRemovedNodes() throws IOException {
        GccFixture f = GccFixture.compile(dir, "inl", GccFixture.INLINE);
        Map<String, AffectedFunction> r = byName(new InlineClosure(f.parse()).close(List.of("ahelper"),
                SymbolLookup.none()));
        assertThat(r.keySet()).containsExactlyInAnyOrder("ahelper", "g");
        assertThat(r.get("ahelper").presence()).isEqualTo(Presence.NO_SYMBOL);
        assertThat(r.get("ahelper").presenceReason()).contains("removed");
        assertThat(r.get("g").presence()).isEqualTo(Presence.UNKNOWN);
    }

    @Test
    void constpropOriginalHasNoSymbolThoughTheDumpNeverRemovesIt() throws IOException {
        GccFixture f = GccFixture.compile(dir, "cl", GccFixture.CLONES);
        InlineClosure c = new InlineClosure(f.parse());
        Map<String, AffectedFunction> r = byName(c.close(List.of("k"), f.symbols()));
        assertThat(r.keySet()).containsExactlyInAnyOrder("k", "k.constprop.0");
        assertThat(c.allNodesRemoved("k")).isFalse();
        assertThat(r.get("k").presence()).isEqualTo(Presence.NO_SYMBOL);
        assertThat(r.get("k.constprop.0").presence()).isEqualTo(Presence.OWN_SYMBOL);
        assertThat(r.get("k.constprop.0").isOptimisationClone()).isTrue();
    }

    @Test
    void cloneOfACloneKeepsTheWholeChain() throws IOException {
        GccFixture f = GccFixture.compile(dir, "cl", GccFixture.CLONES);
        Map<String, AffectedFunction> r = byName(new InlineClosure(f.parse()).close(List.of("use_big", "deref"),
                f.symbols()));
        assertThat(r.keySet()).containsExactlyInAnyOrder("use_big", "use_big.constprop.0",
                "use_big.constprop.0.isra.0", "deref", "deref.isra.0");
        AffectedFunction leaf = r.get("use_big.constprop.0.isra.0");
        assertThat(leaf.chain()).hasSize(2);
        assertThat(leaf.describeChain()).isEqualTo("use_big.constprop.0 constprop clone of use_big, "
                + "use_big.constprop.0.isra.0 isra clone of use_big.constprop.0");
        assertThat(leaf.presence()).isEqualTo(Presence.OWN_SYMBOL);
        assertThat(r.get("use_big.constprop.0").presence()).isEqualTo(Presence.NO_SYMBOL);
        assertThat(r.get("deref.isra.0").start()).isEqualTo("deref");
    }

    @Test
    void partialInliningReachesThePartCloneAndEveryCaller() throws IOException {
        GccFixture f = GccFixture.compile(dir, "part", GccFixture.PARTIAL);
        Map<String, AffectedFunction> r = byName(new InlineClosure(f.parse()).close(List.of("part_fn"), f.symbols()));
        assertThat(r.keySet()).containsExactlyInAnyOrder("part_fn", "part_fn.part.0", "call_part1",
                "call_part2", "call_part3");
        assertThat(r.get("part_fn").presence()).isEqualTo(Presence.NO_SYMBOL);
        assertThat(r.get("part_fn.part.0").presence()).isEqualTo(Presence.OWN_SYMBOL);
    }

    @Test
    void mutualRecursionTerminatesAndFindsEveryCopy() throws IOException {
        GccFixture f = GccFixture.compile(dir, "rec", GccFixture.RECURSION);
        InlineClosure c = new InlineClosure(f.parse());
        Map<String, AffectedFunction> r = byName(c.close(List.of("odd"), f.symbols()));
        // odd went into even.part.0 and use_even; even.part.0 also into use_even.
        assertThat(r.keySet()).containsExactlyInAnyOrder("odd", "even.part.0", "use_even");
        assertThat(r.get("odd").presence()).isEqualTo(Presence.NO_SYMBOL);
        assertThat(c.allNodesRemoved("odd")).isTrue();
        Map<String, AffectedFunction> fact = byName(c.close(List.of("fact"), f.symbols()));
        assertThat(fact.keySet()).containsExactlyInAnyOrder("fact", "use_fact");
        Map<String, AffectedFunction> even = byName(c.close(List.of("even"), f.symbols()));
        assertThat(even.keySet()).containsExactlyInAnyOrder("even", "even.part.0", "odd", "use_even");
    }

    @Test
    void startNotInTheDumpIsItsOwnOnlyCopy() throws IOException {
        GccFixture f = GccFixture.compile(dir, "inl", GccFixture.INLINE);
        List<AffectedFunction> r = new InlineClosure(f.parse()).close(List.of("h"), f.symbols());
        assertThat(r).singleElement().satisfies(a -> {
            assertThat(a.name()).isEqualTo("h");
            assertThat(a.presence()).isEqualTo(Presence.OWN_SYMBOL);
            assertThat(a.describeChain()).isEqualTo("changed");
        });
    }

    // --- synthetic graphs: shapes gcc does not produce on demand ---

    private static IpaNode n(String name, int order) {
        return new IpaNode(name, order, "s.c", order, 1);
    }

    private static String line(String a, int ao, String b, int bo, String kind) {
        return "Callgraph clone;" + a + ";" + ao + ";s.c;" + ao + ";1;" + b + ";" + bo + ";s.c;" + bo + ";1;" + kind;
    }

    @Test
    void inliningCycleEndsAndEveryMemberIsReached() {
        IpaDump d = IpaClonesParser.parse("s", "vmlinux", List.of(
                line("a", 1, "b", 2, "inlining to"), line("b", 2, "c", 3, "inlining to"),
                line("c", 3, "a", 1, "inlining to"), line("c", 3, "d", 4, "inlining to")));
        Map<String, AffectedFunction> r = byName(new InlineClosure(d).close(List.of("b"), SymbolLookup.none()));
        assertThat(r.keySet()).containsExactlyInAnyOrder("a", "b", "c", "d");
        assertThat(r.get("a").describeChain()).isEqualTo("b inlined into c, c inlined into a");
    }

    @Test
    void removedNodesStillPassChangedCodeOn() {
        // x went into y, y (then removed) into the constprop clone of z, whose original was removed.
        IpaDump d = IpaClonesParser.parse("s", "vmlinux", List.of(
                line("x", 1, "y", 2, "inlining to"), line("y", 2, "z", 3, "inlining to"),
                "Callgraph removal;y;2;s.c;2;1",
                line("z", 3, "z.constprop.0", 9, "constprop"), line("z.constprop.0", 9, "z.constprop.0.isra.0", 10, "isra"),
                "Callgraph removal;z;3;s.c;3;1", "Callgraph removal;z.constprop.0;9;s.c;9;1"));
        Map<String, AffectedFunction> r = byName(new InlineClosure(d).close(List.of("x"), SymbolLookup.none()));
        assertThat(r.keySet()).containsExactlyInAnyOrder("x", "y", "z", "z.constprop.0", "z.constprop.0.isra.0");
        assertThat(r.get("y").presence()).isEqualTo(Presence.NO_SYMBOL);
        assertThat(r.get("z").presence()).isEqualTo(Presence.NO_SYMBOL);
        assertThat(r.get("z.constprop.0").presence()).isEqualTo(Presence.NO_SYMBOL);
        assertThat(r.get("z.constprop.0.isra.0").presence()).isEqualTo(Presence.UNKNOWN);
        assertThat(r.get("z.constprop.0.isra.0").chain()).hasSize(4);
    }

    @Test
    void aNameIsRemovedOnlyWhenEveryNodeOfItIs() {
        IpaDump d = IpaClonesParser.parse("s", "vmlinux", List.of(
                line("p", 1, "q", 2, "inlining to"), line("p", 5, "r", 6, "inlining to"),
                "Callgraph removal;p;1;s.c;1;1"));
        InlineClosure c = new InlineClosure(d);
        assertThat(c.allNodesRemoved("p")).isFalse();
        assertThat(c.close(List.of("p"), SymbolLookup.none())).extracting(AffectedFunction::name)
                .containsExactlyInAnyOrder("p", "q", "r");
    }

    /** Closing the closure adds nothing, and every reached name is a start or an edge target. */
    @Test
    void closureIsIdempotentOnRandomGraphs() {
        java.util.Random r = new java.util.Random(0x636c6f6eL);
        for (int tryNo = 0; tryNo < 200; tryNo++) {
            List<Integer> ends = new ArrayList<>();
            for (int n = r.nextInt(41); n > 0; n--) {
                ends.add(r.nextInt(12));
            }
            closureIsIdempotent(ends, r.nextInt(12));
        }
    }

    private static void closureIsIdempotent(List<Integer> ends, int start) {
        List<String> lines = new ArrayList<>();
        String[] kinds = {"inlining to", "constprop", "isra", "part", "(null)"};
        for (int i = 0; i + 1 < ends.size(); i += 2) {
            lines.add(line("f" + ends.get(i), ends.get(i), "f" + ends.get(i + 1), ends.get(i + 1),
                    kinds[(ends.get(i) + ends.get(i + 1)) % kinds.length]));
        }
        InlineClosure c = new InlineClosure(IpaClonesParser.parse("r", "vmlinux", lines));
        Set<String> once = c.close(List.of("f" + start), SymbolLookup.none()).stream()
                .map(AffectedFunction::name).collect(Collectors.toSet());
        Set<String> twice = c.close(once, SymbolLookup.none()).stream()
                .map(AffectedFunction::name).collect(Collectors.toSet());
        assertThat(twice).isEqualTo(once);
        for (AffectedFunction a : c.close(List.of("f" + start), SymbolLookup.none())) {
            if (!a.isStart()) {
                assertThat(a.chain().get(0).from().name()).isEqualTo("f" + start);
                assertThat(a.chain().get(a.chain().size() - 1).to().name()).isEqualTo(a.name());
            }
        }
    }
}
