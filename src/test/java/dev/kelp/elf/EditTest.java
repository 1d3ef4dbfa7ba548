package dev.kelp.elf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.testsupport.Gcc;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Editing the model: removed and added sections, symbols and relocations come out right. */
class EditTest {
    @TempDir
    Path tmp;

    static final String SOURCE = """
            int shared_counter;
            __attribute__((noinline)) int leaf(int x) { return x * 7 + shared_counter; }
            __attribute__((noinline)) int middle(int x) { return leaf(x) + leaf(x + 1); }
            int top(int x) { shared_counter++; return middle(x) - 3; }
            __attribute__((noinline)) int unused_fn(int x) { return leaf(x) * shared_counter; }
            """;

    private Path compile() {
        return Gcc.compile(tmp, "edit", SOURCE, "-O2", "-ffunction-sections", "-fno-asynchronous-unwind-tables");
    }

    @Test
    void removingAFunctionSectionRemovesItsRelocationsAndSymbols() {
        Path obj = compile();
        ElfFile elf = ElfFile.read(obj);
        Section unused = elf.section(".text.unused_fn");
        assertThat(unused).isNotNull();
        assertThat(elf.relocationsFor(unused)).extracting(Section::name).containsExactly(".rela.text.unused_fn");
        assertThat(elf.symbolsBySection().get(unused)).extracting(Symbol::name).contains("unused_fn");
        List<String> middleRelocsBefore = relocSymbols(elf, ".text.middle");

        elf.removeSection(unused);
        Path out = tmp.resolve("edit.removed.o");
        elf.write(out);
        Tools.ldRelocatable(out, tmp.resolve("edit.removed.ld.o"));

        String sections = Tools.readelf(out, "-SW");
        assertThat(sections).doesNotContain("unused_fn").contains(".text.middle", ".rela.text.middle", ".text.top");
        String symbols = Tools.readelf(out, "-sW");
        assertThat(symbols).doesNotContain("unused_fn").contains(" leaf\n", " middle\n", " top\n", " shared_counter\n");
        assertThat(Tools.readelf(out, "-rW")).contains("Relocation section '.rela.text.middle'")
                .doesNotContain(".rela.text.unused_fn");

        ElfFile back = ElfFile.read(out);
        assertThat(back.section(".text.unused_fn")).isNull();
        assertThat(relocSymbols(back, ".text.middle")).isEqualTo(middleRelocsBefore).contains("leaf");
        assertThat(back.section(".text.top").data()).isEqualTo(ElfFile.read(obj).section(".text.top").data());
    }

    @Test
    void addedSectionSymbolAndRelocationAreWrittenWithLocalsFirst() {
        Path obj = compile();
        ElfFile elf = ElfFile.read(obj);
        SymbolTable symtab = elf.symtab();
        Symbol leaf = symbolNamed(elf, "leaf");
        Section data = elf.addSectionAfter(elf.section(".text.top"), new Section(".data.kelp_added", Elf.SHT_PROGBITS))
                .setFlags(Elf.SHF_ALLOC | Elf.SHF_WRITE).setAddralign(8).setData(new byte[16]);
        Symbol added = symtab.add(new Symbol("kelp_added").setBind(Elf.STB_GLOBAL).setType(Elf.STT_OBJECT)
                .setSection(data).setSize(16));
        // Appended after the globals: the writer must move it before them.
        Symbol local = symtab.add(new Symbol("kelp_local").setBind(Elf.STB_LOCAL).setType(Elf.STT_OBJECT)
                .setSection(data).setValue(8).setSize(8));
        RelocationSection rela = elf.addSectionAfter(data,
                new RelocationSection(".rela.data.kelp_added", true, symtab, data));
        rela.add(new Relocation(0, 1 /* R_X86_64_64 */, leaf, 0x10));
        rela.add(new Relocation(8, 1, added, -8));

        Path out = tmp.resolve("edit.added.o");
        elf.write(out);
        Tools.ldRelocatable(out, tmp.resolve("edit.added.ld.o"));

        assertThat(local.index()).isLessThan(symtab.firstNonLocal());
        assertThat(added.index()).isGreaterThanOrEqualTo(symtab.firstNonLocal());
        String symbols = Tools.readelf(out, "-sW");
        assertThat(symbols).containsPattern("16 OBJECT +GLOBAL +DEFAULT +" + data.index() + " kelp_added\n")
                .containsPattern(": 0+8 +8 OBJECT +LOCAL +DEFAULT +" + data.index() + " kelp_local\n");
        String relocs = Tools.readelf(out, "-rW");
        assertThat(relocs).contains("Relocation section '.rela.data.kelp_added'")
                .containsPattern("0+0 +[0-9a-f]+ R_X86_64_64 +0+ leaf \\+ 10\n")
                .containsPattern("0+8 +[0-9a-f]+ R_X86_64_64 +0+ kelp_added - 8\n");
        assertThat(Tools.readelf(out, "-SW")).containsPattern("\\.rela\\.data\\.kelp_added +RELA .* I ");

        ElfFile back = ElfFile.read(out);
        RelocationSection r = back.relocationsFor(back.section(".data.kelp_added")).get(0);
        assertThat(r.relocations()).extracting(x -> x.symbol().name()).containsExactly("leaf", "kelp_added");
    }

    @Test
    void livepatchRelocationSectionsShareATargetAndKeepTheirMarkings() {
        Path obj = compile();
        ElfFile elf = ElfFile.read(obj);
        SymbolTable symtab = elf.symtab();
        Section text = elf.section(".text.top");
        Symbol klp = symtab.add(new Symbol(".klp.sym.vmlinux.shared_counter,0").setBind(Elf.STB_GLOBAL)
                .setType(Elf.STT_NOTYPE).setSpecialIndex(Elf.SHN_LIVEPATCH));
        RelocationSection klpRela = elf.addSection(new RelocationSection(".klp.rela.vmlinux.text.top", true, symtab, text));
        klpRela.setFlags(Elf.SHF_ALLOC | Elf.SHF_INFO_LINK | Elf.SHF_RELA_LIVEPATCH);
        klpRela.add(new Relocation(2, 2 /* R_X86_64_PC32 */, klp, -4));

        Path out = tmp.resolve("edit.klp.o");
        elf.write(out);

        ElfFile back = ElfFile.read(out);
        Section backText = back.section(".text.top");
        assertThat(back.relocationsFor(backText)).extracting(Section::name)
                .containsExactly(".rela.text.top", ".klp.rela.vmlinux.text.top");
        RelocationSection backKlp = back.relocationsFor(backText).get(1);
        assertThat(backKlp.isLivepatch()).isTrue();
        assertThat(backKlp.relocations().get(0).symbol().isLivepatch()).isTrue();
        assertThat(Tools.readelf(out, "-SW")).containsPattern("\\.klp\\.rela\\.vmlinux\\.text\\.top +RELA .* AIo ");
        assertThat(Tools.readelf(out, "-sW")).containsPattern("NOTYPE +GLOBAL +DEFAULT +OS \\[0xff20\\] "
                + "\\.klp\\.sym\\.vmlinux\\.shared_counter,0\n");

        String text2 = new dev.kelp.inspect.Inspector(List.of(new dev.kelp.inspect.RelocationsView()))
                .text(List.of(out));
        assertThat(text2).contains("Relocation section '.rela.text.top' for '.text.top'")
                .contains("Relocation section '.klp.rela.vmlinux.text.top' for '.text.top' (1 entries, livepatch)")
                .contains(".klp.sym.vmlinux.shared_counter,0 - 4");
    }

    @Test
    void danglingReferencesAreReportedNotWritten() {
        Path obj = compile();
        ElfFile elf = ElfFile.read(obj);
        // leaf is called by middle: removing it leaves relocations against a removed symbol.
        elf.removeSection(elf.section(".text.leaf"));
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> elf.write(tmp.resolve("bad.o"))))
                .isInstanceOf(dev.kelp.util.KelpException.class)
                .hasMessageContaining("cannot write").hasMessageContaining("'leaf'")
                .hasMessageContaining(".rela.text.middle");
        assertThat(tmp.resolve("bad.o")).doesNotExist();
    }

    @Test
    void writingOverTheMappedInputReplacesItSafely() {
        Path obj = compile();
        byte[] expected = ElfFile.read(obj).toBytes();
        ElfFile elf = ElfFile.read(obj);
        elf.section(".text.top").setName(".text.top_renamed");
        elf.write(obj);
        ElfFile back = ElfFile.read(obj);
        assertThat(back.section(".text.top_renamed")).isNotNull();
        assertThat(back.relocationsFor(back.section(".text.top_renamed"))).extracting(Section::name)
                .containsExactly(".rela.text.top");
        assertThat(back.section(".text.top_renamed").data()).isEqualTo(ElfFile.read("expected", expected)
                .section(".text.top").data());
        Tools.readelf(obj, "-a", "-W");
    }

    private static Symbol symbolNamed(ElfFile elf, String name) {
        return elf.symbols().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private static List<String> relocSymbols(ElfFile elf, String section) {
        return elf.relocationsFor(elf.section(section)).stream().flatMap(r -> r.relocations().stream())
                .map(r -> r.symbol() == null ? "" : r.symbol().name()).toList();
    }
}
