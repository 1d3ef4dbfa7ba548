package dev.kelp.diff;

import static dev.kelp.cli.CliRun.kelp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.arch.SpecialSection;
import dev.kelp.arch.registry.Machines;
import dev.kelp.cli.CliRun;
import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Section;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15.6: record sizes come from the object (sh_entsize, or the stride of the relocations at
 * the fixed offsets of each record); a given size only cross-checks and is refused, naming both,
 * when the object disagrees. Checked on the kpatch corpus, whose objects come from kernels with
 * 12-byte alternatives and 16-byte relative jump entries while expected.json says 13 and 24.
 */
class RecordSizesTest {
    @TempDir
    Path tmp;

    private static Corpus.Case corpusCase(String name) {
        return Corpus.cases().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    private static Optional<RecordSizes.Derived> derive(Path object, String section) {
        ElfFile elf = ElfFile.read(object);
        DiffArch arch = DiffArch.forMachine(elf.machine());
        ObjectIndex obj = new ObjectIndex(elf, object.toString(), arch);
        Section s = elf.section(section);
        SpecialSection row = arch.arch.specialSection(section).orElseThrow();
        return RecordSizes.derive(arch.arch, obj, s, row);
    }

    @Test
    void sizesComeFromEntsizeOrFromTheRelocationStride() {
        Path entsize = corpusCase("printk-index-1-issue-1206").patched();
        assertThat(ElfFile.read(entsize).section(".altinstructions").entsize()).isEqualTo(12);
        assertThat(derive(entsize, ".altinstructions")).hasValueSatisfying(d -> {
            assertThat(d.size()).isEqualTo(12);
            assertThat(d.evidence()).contains("sh_entsize");
        });
        Path stride = corpusCase("ASSERT_RTNL-detect").patched();
        assertThat(ElfFile.read(stride).section(".altinstructions").entsize()).isZero();
        assertThat(derive(stride, ".altinstructions")).hasValueSatisfying(d -> {
            assertThat(d.size()).isEqualTo(12);
            assertThat(d.evidence()).contains("stride");
        });
        assertThat(derive(stride, "__jump_table")).map(RecordSizes.Derived::size).hasValue(16);
    }

    /** Every corpus object: the differ's size is one the documented layouts accept for its relocations. */
    @Test
    void everyCorpusSectionDerivesALayoutThatFitsIt() {
        int derived = 0;
        for (Corpus.Case c : Corpus.cases()) {
            ElfFile elf = ElfFile.read(c.patched());
            DiffArch arch = DiffArch.forMachine(elf.machine());
            ObjectIndex obj = new ObjectIndex(elf, c.patched().toString(), arch);
            for (SpecialSection row : arch.arch.specialSections()) {
                Section s = row.structSizeKey() == null || row.prefix() ? null : elf.section(row.name());
                if (s == null || row.layout() != SpecialSection.Layout.RECORDS) {
                    continue;
                }
                Optional<RecordSizes.Derived> d = RecordSizes.derive(arch.arch, obj, s, row);
                if (d.isPresent()) {
                    derived++;
                    SpecialSection layout = SpecialSection.lookup(arch.arch.specialSections(
                            Map.of(row.structSizeKey(), d.get().size())), row.name()).orElseThrow();
                    assertThat(layout.fitsRecords(s.size(), java.util.Arrays.asList(obj.relocationsOf(s)),
                            t -> Machines.relocationName(elf.machine(), t)))
                            .as(c.name() + " " + row.name() + " " + d.get()).isTrue();
                }
            }
        }
        assertThat(derived).as("sections whose size the objects show").isGreaterThan(40);
    }

    @Test
    void aGivenSizeThatDisagreesIsRefusedNamingBoth() {
        Corpus.Case c = corpusCase("ASSERT_RTNL-detect");
        CliRun wrong = kelp("diff", "--struct-sizes", "alt=13", c.orig().toString(), c.patched().toString(),
                tmp.resolve("wrong.o").toString());
        assertThat(wrong.exit()).as(wrong.err()).isEqualTo(2);
        assertThat(wrong.err()).contains(".altinstructions", "alt=13 from --struct-sizes",
                "the stride of its", "says 12 bytes per record");
        assertThat(tmp.resolve("wrong.o")).doesNotExist();

        CliRun agreeing = kelp("diff", "--struct-sizes", "alt=12,jump=16", c.orig().toString(), c.patched().toString(),
                tmp.resolve("agree.o").toString());
        assertThat(agreeing.exit()).as(agreeing.err()).isZero();
        CliRun none = kelp("diff", c.orig().toString(), c.patched().toString(), tmp.resolve("none.o").toString());
        assertThat(none.exit()).as(none.err()).isZero();
        assertThat(none.out()).isEqualTo(agreeing.out());

        DiffResult fromExpectedJson = new Differ(new DiffOptions(c.givenSizes(), null, null)).diff(c.orig(), c.patched());
        assertThat(fromExpectedJson.problems()).extracting(Problem::location).contains("__jump_table");
    }
}
