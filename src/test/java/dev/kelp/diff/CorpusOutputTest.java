package dev.kelp.diff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.elf.Elf;
import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Relocation;
import dev.kelp.elf.Symbol;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For every corpus case with a change, the written output passes readelf and ld -r, holds every
 * changed and new function (changed ones LOCAL with a GLOBAL alias), relocates each exactly as
 * the patched object did (unchanged locals through side-band records), and lists each function
 * with a profiling call in __mcount_loc.
 */
class CorpusOutputTest {
    @TempDir
    Path tmp;

    static Stream<Corpus.Case> changedCases() {
        return Corpus.cases().stream().filter(c -> c.outcome().equals("changed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changedCases")
    void outputIsCompleteAndLinkable(Corpus.Case c) {
        DiffResult r = new Differ(new DiffOptions(c.sizes(), null, null)).diff(c.orig(), c.patched());
        assertThat(r.outcome()).isEqualTo(DiffResult.Outcome.CHANGED);
        Path out = tmp.resolve(c.name() + ".OUT.o");
        r.output().write(out);
        OutputChecks.readelfAndLd(out, tmp);

        ElfFile outElf = ElfFile.read(out);
        ElfFile patchedElf = ElfFile.read(c.patched());
        ElfFile origElf = ElfFile.read(c.orig());
        ObjectIndex po = new ObjectIndex(patchedElf, c.patched().toString(), X86.ARCH);
        ObjectIndex oo = new ObjectIndex(outElf, out.toString(), X86.ARCH);
        ObjectIndex orig = new ObjectIndex(origElf, c.orig().toString(), X86.ARCH);
        for (Symbol s : outElf.symbols()) {
            assertThat(s.isSection() && s.isUndefined()).as(c.name() + ": undefined section symbol").isFalse();
        }
        List<String> mcount = OutputChecks.mcountEntries(oo);
        List<String> names = new ArrayList<>(c.changed());
        names.addAll(c.added());
        for (String name : names) {
            Symbol f = OutputChecks.function(outElf, name);
            boolean changed = c.changed().contains(name);
            if (changed) {
                assertThat(f.bind()).as(c.name() + ": changed " + name + " is made local").isEqualTo(Elf.STB_LOCAL);
                Symbol alias = OutputChecks.function(outElf, "kelp_new__x__" + name.replace('.', '_'));
                assertThat(alias.isGlobal()).isTrue();
                assertThat(alias.value()).isEqualTo(f.value());
                assertThat(alias.section()).isSameAs(f.section());
            }
            Symbol pf = patchedTwin(patchedElf, name, changed, orig);
            assertThat(f.size()).as(c.name() + ": size of " + name).isEqualTo(pf.size());
            assertThat(OutputChecks.relocations(oo, f, true)).as(c.name() + ": relocations of " + name)
                    .isEqualTo(OutputChecks.relocations(po, pf, false));
            Symbol pfx = po.prefixOf.get(pf);
            if (pfx != null) {
                Symbol opfx = OutputChecks.function(outElf, "__pfx_" + name);
                assertThat(opfx.section()).as(c.name() + ": prefix of " + name).isSameAs(f.section());
                assertThat(f.value() - opfx.value()).isEqualTo(pf.value() - pfx.value());
            }
            if (po.profilingCallOffset(pf) >= 0) {
                assertThat(mcount).as(c.name() + ": __mcount_loc entry for " + name).contains(name);
            }
        }
        // a side-band field stays zero (the 6.1 loader requires it for klp relocations)
        for (OutputChecks.SideBandEntry e : OutputChecks.sideBand(outElf)) {
            byte[] d = e.section().data();
            int size = X86.ARCH.fieldSize(e.type());
            for (int i = 0; i < size; i++) {
                assertThat(d[(int) e.offset() + i]).as(c.name() + ": side-band field of " + e.name()).isZero();
            }
            assertThat(e.flags() & SideBandFormat.FLAG_LOCAL).isEqualTo(SideBandFormat.FLAG_LOCAL);
            assertThat(e.unit()).isEqualTo(c.orig().toString());
            assertThat(hasLocal(origElf, e.name())).as(c.name() + ": side-band symbol " + e.name() + " is a local of ORIG")
                    .isTrue();
            for (Relocation rel : oo.relocsIn(e.section(), e.offset(), e.offset() + 1)) {
                throw new AssertionError(c.name() + ": field with side-band record also has relocation " + rel);
            }
        }
    }

    private static boolean hasLocal(ElfFile f, String name) {
        for (Symbol s : f.symbols()) {
            if (s.isLocal() && s.name().equals(name) && s.section() != null) {
                return true;
            }
        }
        return false;
    }

    /** The patched object's version of a function reported by its original name. */
    private static Symbol patchedTwin(ElfFile patched, String name, boolean changed, ObjectIndex orig) {
        for (Symbol s : patched.symbols()) {
            if (s.isFunction() && s.section() != null && s.name().equals(name)) {
                return s;
            }
        }
        for (Symbol s : patched.symbols()) {
            if (s.isFunction() && s.section() != null && Names.mangle(s.name()).equals(Names.mangle(name))) {
                return s;
            }
        }
        throw new AssertionError("no " + name + " in " + patched.name());
    }
}
