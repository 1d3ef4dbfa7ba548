package dev.kelp.arch.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelp.arch.Arch;
import dev.kelp.arch.SpecialSection.Field;
import dev.kelp.arch.SpecialSection.Layout;
import dev.kelp.arch.SpecialSection;
import dev.kelp.arch.registry.Machines;
import dev.kelp.elf.Elf;
import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Relocation;
import dev.kelp.elf.Section;
import dev.kelp.util.KelpException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The special-section table against real objects: in every corpus object and every sampled
 * Debian 6.1 module, each record section must divide into whole records of one documented
 * layout, every relocation must sit on a documented field with the documented type, and every
 * record must have its anchor.
 */
class X86SpecialSectionsTest {
    private final Arch arch = Machines.forElf(Elf.EM_X86_64).arch();

    @Test
    void realObjectsMatchTheDocumentedLayouts() {
        Map<String, Integer> recordsSeen = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        List<Path> objects = TestObjects.corpusAndModules(50);
        Set<String> sizesUsed = new HashSet<>();
        for (Path p : objects) {
            ElfFile elf = ElfFile.read(p);
            for (Section sec : elf.sections()) {
                Optional<SpecialSection> row = arch.specialSection(sec.name());
                if (row.isEmpty() || sec.isNobits()) {
                    continue;
                }
                SpecialSection s = row.get();
                if (s.layout() == Layout.PARALLEL_RECORDS) {
                    checkParallel(elf, sec, s, problems, p);
                    recordsSeen.merge(sec.name(), (int) (sec.size() / s.recordSize()), Integer::sum);
                    continue;
                }
                if (s.layout() != Layout.RECORDS) {
                    continue;
                }
                List<Relocation> relocs = TestObjects.relocs(elf, sec);
                SpecialSection fit = firstFitting(s, sec, relocs);
                if (fit == null) {
                    problems.add(p.getFileName() + " " + sec.name() + " (size " + sec.size() + ", "
                            + relocs.size() + " relocations) fits no documented layout: " + describe(relocs, s));
                    continue;
                }
                sizesUsed.add(sec.name() + "=" + fit.recordSize());
                recordsSeen.merge(sec.name(), (int) fit.recordCount(sec.size()), Integer::sum);
            }
        }
        System.out.println("special-section records checked: " + recordsSeen + ", layouts " + new TreeMap<>(
                Map.of("sizes", String.join(" ", new java.util.TreeSet<>(sizesUsed)))));
        assertThat(problems).isEmpty();
        assertThat(recordsSeen).containsKeys("__bug_table", "__ex_table", "__jump_table", ".altinstructions",
                ".smp_locks", ".static_call_sites", ".retpoline_sites", ".return_sites", ".orc_unwind_ip",
                ".orc_unwind", "__mcount_loc", ".printk_index", "__dyndbg", "__tracepoints_ptrs");
        assertThat(sizesUsed).as("the 6.1 layouts are the ones Debian's modules use")
                .contains("__jump_table=16", ".altinstructions=12", "__bug_table=12", "__ex_table=12",
                        ".static_call_sites=8", "__dyndbg=56");
    }

    /** The default layout or a size variant under which every relocation sits on a field and every record has its anchor. */
    private SpecialSection firstFitting(SpecialSection s, Section sec, List<Relocation> relocs) {
        List<SpecialSection> candidates = new ArrayList<>();
        candidates.add(s);
        X86SpecialSections.VARIANTS.stream().filter(v -> v.name().equals(s.name())).forEach(candidates::add);
        for (SpecialSection c : candidates) {
            if (fits(c, sec, relocs)) {
                return c;
            }
        }
        return null;
    }

    private static boolean fits(SpecialSection c, Section sec, List<Relocation> relocs) {
        return c.fitsRecords(sec.size(), relocs, t -> Machines.relocationName(Elf.EM_X86_64, t));
    }

    private static void checkParallel(ElfFile elf, Section sec, SpecialSection s, List<String> problems, Path p) {
        Section ip = elf.section(s.linkedSection());
        SpecialSection ipRow = X86_64.INSTANCE.specialSection(s.linkedSection()).orElseThrow();
        if (ip == null || sec.size() % s.recordSize() != 0
                || sec.size() / s.recordSize() != ip.size() / ipRow.recordSize()) {
            problems.add(p.getFileName() + " " + sec.name() + " is not parallel to " + s.linkedSection());
        }
    }

    private static String describe(List<Relocation> relocs, SpecialSection s) {
        StringBuilder b = new StringBuilder();
        relocs.stream().limit(6).forEach(r -> b.append(r.offset()).append(':')
                .append(Machines.relocationName(Elf.EM_X86_64, r.type())).append(' '));
        return b.toString() + "expected record size " + s.recordSize() + " fields " + s.fields();
    }

    /** One row per section: adding a section means adding one row, never a second entry elsewhere. */
    @Test
    void oneRowPerSectionAndTheLivepatchViewIsDerived() {
        List<String> names = arch.specialSections().stream().map(s -> (s.prefix() ? "prefix " : "") + s.name()).toList();
        assertThat(names).doesNotHaveDuplicates();
        Set<String> loaded = new HashSet<>();
        arch.specialSections().stream().filter(s -> s.readAtLoad() && !s.prefix()).forEach(s -> loaded.add(s.name()));
        assertThat(Machines.livepatch(Elf.EM_X86_64, "t.o").specialSections())
                .containsExactlyInAnyOrderElementsOf(loaded)
                .contains("__jump_table", ".static_call_sites", ".altinstructions", "__mcount_loc", "__ex_table");
        for (SpecialSection s : arch.specialSections()) {
            boolean keyed = s.fields().stream().anyMatch(f -> f.role() == SpecialSection.Role.KEY);
            if (keyed && s.keep() == SpecialSection.Keep.ANCHOR_INCLUDED) {
                assertThat(s.keyUse()).as(s.name() + ": a kept record with a key says what it is").isNotNull();
            }
        }
    }

    @Test
    void structSizesSelectLayouts() {
        List<SpecialSection> old = arch.specialSections(Map.of("jump", 24, "alt", 13, "printk_index", 44));
        SpecialSection jump = SpecialSection.lookup(old, "__jump_table").orElseThrow();
        assertThat(jump.recordSize()).isEqualTo(24);
        assertThat(jump.fields()).extracting(Field::relocType).containsOnly("R_X86_64_64");
        assertThat(SpecialSection.lookup(old, ".altinstructions").orElseThrow().recordSize()).isEqualTo(13);
        assertThat(SpecialSection.lookup(old, ".printk_index").orElseThrow().recordSize()).isEqualTo(8);
        assertThat(arch.specialSection(".discard.addressable").orElseThrow().keep())
                .isEqualTo(SpecialSection.Keep.DROP);
        assertThatThrownBy(() -> arch.specialSections(Map.of("jump", 8)))
                .isInstanceOf(KelpException.class).hasMessageContaining("jump").hasMessageContaining("16, 24");
        assertThatThrownBy(() -> arch.specialSections(Map.of("bogus", 8)))
                .isInstanceOf(KelpException.class).hasMessageContaining("bogus");
    }
}
