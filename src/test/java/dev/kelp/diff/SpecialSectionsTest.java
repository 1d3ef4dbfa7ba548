package dev.kelp.diff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.arch.SpecialSection;
import dev.kelp.elf.Elf;
import org.junit.jupiter.api.Test;

/**
 * The differ's rules are a translation of the architecture's one table, never a list of its own:
 * every row of the table has its rule here under the same name, and the generic kernel rows keep
 * the rules the differ always had for them.
 */
class SpecialSectionsTest {
    private final DiffArch arch = DiffArch.forMachine(Elf.EM_X86_64);
    private final SpecialSections table = SpecialSections.of(arch, StructSizes.of(java.util.Map.of()));

    @Test
    void everyRowOfTheArchitectureTableIsTranslated() {
        for (SpecialSection row : arch.arch.specialSections()) {
            String probe = row.prefix() ? row.name() + "probe" : row.name();
            SpecialSections.Entry e = table.lookup(probe);
            assertThat(e).as(row.name()).isNotNull();
            assertThat(e.name()).as(probe).isEqualTo(SpecialSection.lookup(arch.arch.specialSections(), probe)
                    .orElseThrow().name());
            assertThat(e.anchor()).as(row.name()).isEqualTo(row.anchor().map(SpecialSection.Field::offset).orElse(-1));
            if (e.keyOffset() >= 0 && e.rule() == SpecialSections.Rule.RECORDS) {
                assertThat(e.keyUse()).as(row.name() + " names what its key records are").isNotNull();
            }
        }
    }

    @Test
    void genericKernelSectionsKeepTheirRules() {
        for (String dropped : new String[] {"__ksymtab_gpl", "___ksymtab+foo", "__kcrctab", ".init.text",
                ".exit.data", ".initcall6.init", "__param", ".comment", ".note.GNU-stack", ".debug_info",
                ".discard.addressable", ".discard", ".BTF", "__tracepoints", ".kpatch.ignore.functions"}) {
            assertThat(table.lookup(dropped).rule()).as(dropped).isEqualTo(SpecialSections.Rule.DROP);
        }
        SpecialSections.Entry callbacks = table.lookup(".kpatch.callbacks.pre_patch");
        assertThat(callbacks.rule()).isEqualTo(SpecialSections.Rule.RECORDS);
        assertThat(callbacks.recordSize()).isEqualTo(16);
        assertThat(callbacks.anchor()).isZero();
        assertThat(table.lookup("__verbose").rule()).isEqualTo(SpecialSections.Rule.REFERENCED);
        assertThat(table.lookup(".text.foo")).isNull();
    }
}
