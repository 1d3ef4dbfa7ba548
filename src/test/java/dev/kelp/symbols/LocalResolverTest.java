package dev.kelp.symbols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelp.testsupport.Gcc;
import dev.kelp.util.KelpException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which of several homonym local symbols belongs to a compilation unit. */
class LocalResolverTest {

    @Test
    void fileSymbolsOfAnUnstrippedImageDecide(@TempDir Path dir) {
        Path prog = Gcc.linkProgram(dir, "vmlinux", List.of(VmlinuxSymtabTest.HOMONYMS_A,
                VmlinuxSymtabTest.HOMONYMS_B, VmlinuxSymtabTest.HOMONYMS_C), GccProgram.PROGRAM_FLAGS);
        KernelSymbols db = KernelSymbols.load(new SymbolSource.Vmlinux(prog));
        assertThat(db.lookup(KernelSymbols.VMLINUX, "helper")).hasSize(3);

        KSym b = db.resolve("helper", KernelSymbols.VMLINUX, new UnitContext("lib/b.c", Set.of("b_entry")));

        // Units are linked in order a, b, c: b's helper lies between a's and c's functions.
        long aEnd = db.lookup(KernelSymbols.VMLINUX, "a_next").get(0).address();
        long cStart = db.lookup(KernelSymbols.VMLINUX, "c_entry").get(0).address();
        assertThat(b.address()).isGreaterThan(aEnd).isLessThan(cStart);
        assertThat(b.file()).isEqualTo("b.c");
        assertThat(db.checkedSympos(b)).isEqualTo(2);
        assertThat(db.resolve("counter", KernelSymbols.VMLINUX, new UnitContext("a.c", Set.of())).file())
                .isEqualTo("a.c");
    }

    @Test
    void ambiguityNamesCandidatesNeighboursAndTheAnnotation(@TempDir Path dir) {
        Path prog = Gcc.linkProgram(dir, "vmlinux", List.of(VmlinuxSymtabTest.HOMONYMS_A,
                VmlinuxSymtabTest.HOMONYMS_B, VmlinuxSymtabTest.HOMONYMS_C), GccProgram.PROGRAM_FLAGS);
        KernelSymbols db = KernelSymbols.load(new SymbolSource.Vmlinux(prog));
        assertThatThrownBy(() -> db.resolve("helper", KernelSymbols.VMLINUX, new UnitContext("", Set.of())))
                .isInstanceOf(KelpException.class)
                .hasMessageContaining("symbol 'helper' in vmlinux is ambiguous: 3 symbols")
                .hasMessageContaining("sympos 1 at").hasMessageContaining("sympos 3 at")
                .hasMessageContaining("in b.c near ").hasMessageContaining("b_entry")
                .hasMessageContaining("KLP_RELOC_SYMBOL_POS(vmlinux, vmlinux, helper, N)")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> db.resolve("nothing_like_it", KernelSymbols.VMLINUX, new UnitContext("", Set.of())))
                .isInstanceOf(KelpException.class).hasMessageContaining("symbol 'nothing_like_it' not found in vmlinux");
    }

    /**
     * On the real kernel: for local functions that exist several times, the unit's other symbols
     * (here: the uniquely named functions next to the candidate, and nearer to it than to another
     * homonym, since the real unit boundary is unknown) pick the candidate; the resolver never
     * silently picks another one.
     */
    @Test
    void neighbourhoodPicksTheUnitsOwnCandidateInTheRealKernel() {
        KernelSymbols db = KernelSymbols.load(new SymbolSource.Vmlinuz(CapturedKernel.target().vmlinuz()));
        ObjectSymbols vmlinux = db.object(KernelSymbols.VMLINUX);
        Map<String, List<KSym>> homonyms = vmlinux.symbols().stream().filter(s -> s.type() == 't')
                .collect(Collectors.groupingBy(KSym::name));
        int resolved = 0;
        int refused = 0;
        List<String> wrong = new ArrayList<>();
        for (List<KSym> group : homonyms.values()) {
            List<KSym> all = vmlinux.lookup(group.get(0).name());
            if (all.size() < 2 || all.size() > 5) {
                continue;
            }
            for (KSym candidate : all) {
                Set<String> unit = new LinkedHashSet<>();
                for (KSym n : vmlinux.neighbours(candidate, 6)) {
                    if (vmlinux.lookup(n.name()).size() == 1 && Character.toLowerCase(n.type()) == 't'
                            && closestOf(all, n) == candidate) {
                        unit.add(n.name());
                    }
                }
                if (unit.size() < 2) {
                    continue;
                }
                try {
                    KSym got = db.resolve(candidate.name(), KernelSymbols.VMLINUX, new UnitContext("", unit));
                    if (got.equals(candidate)) {
                        resolved++;
                    } else {
                        wrong.add(candidate.name() + "," + candidate.sympos() + " → " + got.sympos());
                    }
                } catch (KelpException e) {
                    assertThat(e.getMessage()).contains("KLP_RELOC_SYMBOL_POS(vmlinux, vmlinux, " + candidate.name());
                    refused++;
                }
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(resolved).isGreaterThan(500).isGreaterThan(20 * refused);
    }

    private static KSym closestOf(List<KSym> homonyms, KSym n) {
        KSym best = homonyms.get(0);
        for (KSym h : homonyms) {
            if (Math.abs(h.index() - n.index()) < Math.abs(best.index() - n.index())) {
                best = h;
            }
        }
        return best;
    }
}
