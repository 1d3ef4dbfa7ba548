package dev.kelp.arch.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelp.arch.Arch;
import dev.kelp.arch.CodeScanner;
import dev.kelp.arch.Insn;
import dev.kelp.arch.InsnKind;
import dev.kelp.arch.RelocType;
import dev.kelp.arch.registry.Machines;
import dev.kelp.elf.Elf;
import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Relocation;
import dev.kelp.elf.Section;
import dev.kelp.util.KelpException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The relocation table and the decoder checked against each other on real objects: every
 * relocation in an executable section must cover exactly one displacement or immediate field of
 * the instruction it falls in, with the table's width; every type in a loadable Debian module
 * must be one the module loader accepts.
 */
class X86RelocationsTest {
    private final Arch arch = Machines.forElf(Elf.EM_X86_64).arch();

    @Test
    void forMachineGivesX86AndRejectsOthers() {
        assertThat(arch).isSameAs(X86_64.INSTANCE);
        assertThat(arch.name()).isEqualTo("x86_64");
        assertThatThrownBy(() -> Machines.forElf(Elf.EM_AARCH64).arch())
                .isInstanceOf(KelpException.class)
                .hasMessageContaining("unsupported architecture")
                .hasMessageContaining("aarch64")
                .satisfies(e -> assertThat(((KelpException) e).exitCode()).isEqualTo(KelpException.UNSUPPORTED));
    }

    /** The one table names every type exactly as the C library's {@code <elf.h>} does, no more, no less. */
    @Test
    void tableAgreesWithTheSystemElfHeader() throws Exception {
        Map<Integer, String> header = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^#define\\s+(R_X86_64_\\w+)\\s+(\\d+)").matcher(
                Files.readString(Path.of("/usr/include/elf.h")));
        while (m.find()) {
            if (!m.group(1).equals("R_X86_64_NUM")) {
                header.put(Integer.parseInt(m.group(2)), m.group(1));
            }
        }
        assertThat(header).as("<elf.h> x86-64 relocation types").hasSizeGreaterThan(40);
        Map<Integer, String> table = new TreeMap<>();
        arch.relocTypes().forEach(t -> table.put(t.type(), t.name()));
        assertThat(table).isEqualTo(header);
        for (RelocType t : arch.relocTypes()) {
            assertThat(Machines.relocationName(Elf.EM_X86_64, t.type())).as("display name").isEqualTo(t.name());
        }
        assertThat(Machines.relocationName(Elf.EM_X86_64, 39)).isEqualTo("R_unknown(39)");
        assertThat(Machines.relocationName(Elf.EM_AARCH64, 1)).isEqualTo("R_unknown(1)");
        assertThat(arch.relocTypes().stream().filter(RelocType::moduleLoaderAccepts).map(RelocType::name))
                .containsExactlyInAnyOrder("R_X86_64_NONE", "R_X86_64_64", "R_X86_64_32", "R_X86_64_32S",
                        "R_X86_64_PC32", "R_X86_64_PLT32", "R_X86_64_PC64");
        RelocType pc32 = arch.pcRelative32();
        assertThat(pc32.referencedOffset(-4, 4)).as("call foo: addend -4, field ends the insn").isZero();
        assertThat(pc32.referencedOffset(0x10, 0)).as("data record: S + A").isEqualTo(0x10);
        assertThat(arch.relocType(11).orElseThrow().fits(-1)).isTrue();
        assertThat(arch.relocType(10).orElseThrow().fits(-1)).isFalse();
    }

    /** The livepatch facet is a view of the same table: its types and widths are the loader column. */
    @Test
    void livepatchViewIsTheTablesLoaderColumn() {
        var lp = Machines.livepatch(Elf.EM_X86_64, "test.o");
        assertThat(lp.loaderRelocationTypes()).containsExactlyInAnyOrderElementsOf(arch.relocTypes().stream()
                .filter(RelocType::moduleLoaderAccepts).map(RelocType::type).toList());
        for (RelocType t : arch.relocTypes()) {
            assertThat(lp.fieldWidth(t.type())).as(t.name()).isEqualTo(t.moduleLoaderAccepts() ? t.width() : -1);
        }
        assertThat(lp.absolute64()).isEqualTo(arch.absolute64().type());
    }

    @Test
    void everyCodeRelocationCoversOneDecodedField() {
        Map<String, Long> typeCounts = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        long checked = 0;
        long callsToSymbols = 0;
        for (Path p : TestObjects.corpusAndModules(30)) {
            ElfFile elf = ElfFile.read(p);
            boolean module = p.toString().endsWith(".ko");
            for (Section sec : elf.sections()) {
                if (!sec.hasFlag(Elf.SHF_EXECINSTR) || sec.isNobits()) {
                    continue;
                }
                byte[] data = sec.data();
                List<Relocation> relocs = TestObjects.relocs(elf, sec);
                for (Relocation r : relocs) {
                    RelocType t = arch.relocType(r.type()).orElse(null);
                    typeCounts.merge(t == null ? "unknown " + r.type() : t.name(), 1L, Long::sum);
                    if (t == null || (module && !t.moduleLoaderAccepts())) {
                        problems.add(p.getFileName() + " " + sec.name() + "+" + r.offset() + ": type " + r.type());
                    }
                }
                CodeScanner s = new CodeScanner(arch, data, 0, data.length, relocs);
                while (s.next()) {
                    Insn insn = s.insn();
                    for (int i = 0; i < s.relocCount(); i++) {
                        Relocation r = s.reloc(i);
                        RelocType t = arch.relocType(r.type()).orElseThrow();
                        checked++;
                        int field = (int) (r.offset() - insn.offset);
                        boolean fentryNop = t.kind() == RelocType.Kind.NONE && insn.kind == InsnKind.NOP;
                        boolean isDisp = insn.dispSize == t.width() && insn.dispOffset == field;
                        boolean isImm = insn.immSize == t.width() && insn.immOffset == field;
                        if (!fentryNop && !isDisp && !isImm) {
                            problems.add(p.getFileName() + " " + sec.name() + "+0x" + Long.toHexString(r.offset())
                                    + " " + t.name() + " not on a field of " + insn);
                        }
                        if (insn.kind == InsnKind.CALL && isImm && t.isPcRelative() && !r.symbol().isSection()) {
                            callsToSymbols++;
                            if (s.referencedOffset(t, r) != 0) {
                                problems.add(p.getFileName() + " call at 0x" + Long.toHexString(insn.offset)
                                        + " refers to " + r.symbol().name() + "+" + s.referencedOffset(t, r));
                            }
                        }
                    }
                }
            }
        }
        System.out.println("code relocations checked against decoded fields: " + checked + " " + typeCounts
                + ", direct calls to symbols " + callsToSymbols);
        assertThat(problems).isEmpty();
        assertThat(checked).isGreaterThan(100_000);
    }
}
