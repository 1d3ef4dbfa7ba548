package dev.kelp.klp;

import static dev.kelp.cli.CliRun.kelp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kelp.arch.registry.Machines;
import dev.kelp.cli.CliRun;
import dev.kelp.elf.Elf;
import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Relocation;
import dev.kelp.elf.RelocationSection;
import dev.kelp.elf.Section;
import dev.kelp.elf.Symbol;
import dev.kelp.symbols.KSym;
import dev.kelp.symbols.KernelSymbols;
import dev.kelp.symbols.SymbolMapWriter;
import dev.kelp.util.Proc;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three use-cases of klp-convert and kelp's post-link conversion, on modules built with
 * kbuild against the installed Debian headers and converted against the installed kernel's
 * symbols (the QEMU proof that they load and work is {@link KlpConvertQemuTest}).
 */
class KlpConvertTest {
    private static final String VMLINUX = KernelSymbols.VMLINUX;

    @TempDir
    Path tmp;

    /** (lp object, object, symbol, sympos) of each klp relocation, for comparisons. */
    private static List<String> targets(KlpConverter.Result r) {
        return r.relocations().stream().map(k -> k.lpObject() + " " + k.object() + ":" + k.symbol() + "," + k.sympos())
                .distinct().sorted().toList();
    }

    @Test
    void useCase1_uniqueUnexportedSymbolsAreConvertedWithoutAnnotation() throws Exception {
        KernelSymbols db = TestModules.database();
        for (String name : List.of("saved_command_line", "nr_processes")) {
            assertThat(db.isExported(name)).as(name + " must not be exported for this test").isEmpty();
            assertThat(db.objectsDefining(name)).containsExactly(VMLINUX);
            assertThat(db.lookup(VMLINUX, name)).hasSize(1);
        }
        assertThat(db.isExported("seq_printf").map(e -> e.object())).contains(VMLINUX);

        ElfFile elf = ElfFile.read(TestModules.build("uc1"));
        KlpConverter.Result r = KlpConverter.convert(elf, TestModules.oracle(), KlpConverter.Options.defaults());
        assertThat(targets(r)).containsExactly("vmlinux vmlinux:nr_processes,0", "vmlinux vmlinux:saved_command_line,0");
        assertThat(r.keptExports()).contains("seq_printf", "klp_enable_patch").doesNotContain("saved_command_line");

        Path out = tmp.resolve("uc1.ko");
        elf.write(out);
        ElfFile back = ElfFile.read(out);
        RelocationSection klp = (RelocationSection) back.section(".klp.rela.vmlinux.text");
        assertThat(klp).isNotNull();
        assertThat(klp.type()).isEqualTo(Elf.SHT_RELA);
        assertThat(klp.flags()).isEqualTo(Elf.SHF_ALLOC | Elf.SHF_INFO_LINK | Elf.SHF_RELA_LIVEPATCH);
        assertThat(klp.target().name()).isEqualTo(".text");
        assertThat(klp.link()).isSameAs(back.symtab());
        assertThat(klp.entsize()).isEqualTo(24);
        assertThat(klp.relocations()).hasSize(2);
        for (Relocation rel : klp.relocations()) {
            Symbol s = rel.symbol();
            assertThat(s.isLivepatch()).isTrue();
            assertThat(s.value()).isZero();
            assertThat(KlpNames.parseSymbol(s.name())).isPresent();
            ByteBuffer text = klp.target().contents();
            assertThat(text.getInt((int) rel.offset())).as("relocated field must be zero").isZero();
        }
        for (Symbol s : back.symbols()) {
            assertThat(s.name()).isNotIn("saved_command_line", "nr_processes");
        }
        for (RelocationSection rs : back.relocationSections()) {
            if (!rs.isLivepatch()) {
                assertThat(rs.relocations()).noneMatch(rel -> rel.symbol() != null && rel.symbol().name()
                        .matches("saved_command_line|nr_processes"));
            }
        }
        // Modversions untouched: the exports left to the loader keep their __versions entries.
        assertThat(versions(back)).contains("seq_printf", "klp_enable_patch");

        // An independent reader agrees: binutils' readelf sees both klp relocations.
        String readelf = Proc.of("readelf", "-rW", out.toString()).check("readelf").stdout();
        assertThat(readelf).contains("'.klp.rela.vmlinux.text'");
        assertThat(readelf).containsPattern("R_X86_64_PC32 +0+ \\.klp\\.sym\\.vmlinux\\.saved_command_line,0 - 4");
        assertThat(readelf).containsPattern("R_X86_64_PLT32 +0+ \\.klp\\.sym\\.vmlinux\\.nr_processes,0 - 4");
    }

    /** Names in __versions: 64-byte entries, an 8-byte CRC then the NUL-padded name. */
    private static List<String> versions(ElfFile elf) {
        Section v = elf.section("__versions");
        List<String> names = new ArrayList<>();
        byte[] d = v.data();
        for (int off = 0; off + 64 <= d.length; off += 64) {
            int end = off + 8;
            while (end < off + 64 && d[end] != 0) {
                end++;
            }
            names.add(new String(d, off + 8, end - off - 8, StandardCharsets.US_ASCII));
        }
        return names;
    }

    @Test
    void useCase2_tableAnnotationPicksThePosition() {
        // 6.1's source defines the static ucode_path twice (microcode/intel.c and amd.c): the
        // fixtures uc2-* pick the 2nd and bad asks for a 3rd.
        assertThat(TestModules.database().lookup(VMLINUX, "ucode_path")).as("ucode_path must be ambiguous").hasSize(2);
        ElfFile elf = ElfFile.read(TestModules.build("uc2-sympos"));
        assertThat(elf.section(".klp.module_relocs.vmlinux")).isNotNull();
        KlpConverter.Result r = KlpConverter.convert(elf, TestModules.oracle(), KlpConverter.Options.defaults());
        assertThat(targets(r)).containsExactly("vmlinux vmlinux:ucode_path,2");
        assertThat(r.removed()).contains(".klp.module_relocs.vmlinux");
        Path out = tmp.resolve("uc2.ko");
        elf.write(out);
        ElfFile back = ElfFile.read(out);
        assertThat(back.sections()).noneMatch(s -> s.name().contains("module_relocs"));
        assertThat(back.symbols()).noneMatch(s -> s.name().equals("ucode_path") || s.name().equals("kelp_relocs"));
        assertThat(back.symbols()).anyMatch(s -> s.isLivepatch() && s.name().equals(".klp.sym.vmlinux.ucode_path,2"));
    }

    @Test
    void useCase2_asmLabelPicksThePosition() {
        ElfFile elf = ElfFile.read(TestModules.build("uc2-label"));
        assertThat(elf.symbols()).anyMatch(s -> s.isUndefined()
                && s.name().equals(".klp.sym.rela.vmlinux.vmlinux.ucode_path,2"));
        KlpConverter.Result r = KlpConverter.convert(elf, TestModules.oracle(), KlpConverter.Options.defaults());
        assertThat(targets(r)).containsExactly("vmlinux vmlinux:ucode_path,2");
        ElfFile back = ElfFile.read(writeTo(elf, "uc2-label.ko"));
        assertThat(back.symbols()).noneMatch(s -> s.name().startsWith(KlpNames.LABEL_PREFIX));
        assertThat(back.symbols()).filteredOn(Symbol::isLivepatch).extracting(Symbol::name)
                .containsExactly(".klp.sym.vmlinux.ucode_path,2");
    }

    /** How many ucode_path the installed kernel has (2 in 6.1, see useCase2_tableAnnotationPicksThePosition). */
    private static int ucodePaths() {
        return TestModules.database().lookup(VMLINUX, "ucode_path").size();
    }

    private Path writeTo(ElfFile elf, String name) {
        Path p = tmp.resolve(name);
        elf.write(p);
        return p;
    }

    @Test
    void useCase3_ambiguousNameWithoutAnnotationIsRefusedNamingTheCandidates() throws Exception {
        Path in = TestModules.build("uc3");
        Path out = tmp.resolve("uc3.ko");
        CliRun run = kelp("convert", "--vmlinuz", "/boot/vmlinuz-" + TestModules.release(), in.toString(), "-o",
                out.toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(out).doesNotExist();
        assertThat(run.err()).startsWith("kelp: " + in + ": ucode_path: ambiguous");
        for (KSym k : TestModules.database().lookup(VMLINUX, "ucode_path")) {
            assertThat(run.err()).contains("sympos " + k.sympos() + " at " + k.hexAddress());
        }
        assertThat(run.err()).contains("KLP_RELOC_SYMBOL_POS(vmlinux, vmlinux, ucode_path, N)");
        assertThat(run.err().lines()).hasSize(1);
    }

    @Test
    void everyProblemIsReportedOnItsOwnLineAndNothingIsWritten() {
        ElfFile elf = ElfFile.read(TestModules.build("bad"));
        assertThatThrownBy(() -> KlpConverter.convert(elf, TestModules.oracle(), KlpConverter.Options.defaults()))
                .isInstanceOfSatisfying(KlpConversionException.class, e -> {
                    List<String> p = e.problems();
                    assertThat(p).hasSize(3);
                    assertThat(p).allMatch(l -> l.startsWith(elf.name() + ": ") && !l.contains("\n"));
                    assertThat(p).anyMatch(l -> l.contains(": saved_command_line: a relocation section for module"
                            + " nf_conntrack may not refer to the vmlinux symbol"));
                    assertThat(p).anyMatch(l -> l.contains(": kelp_no_such_symbol_anywhere: not exported and not"
                            + " defined in vmlinux or any module"));
                    assertThat(p).anyMatch(l -> l.contains(": ucode_path: the KLP_SYMPOS in .klp.module_relocs.vmlinux"
                            + " asks for position 3 but vmlinux has only " + ucodePaths() + " symbols"));
                    assertThat(e.exitCode()).isEqualTo(1);
                    assertThat(e.getMessage().lines().skip(1).toList()).hasSize(2).allMatch(l -> l.startsWith("kelp: "));
                });
    }

    @Test
    void aSymbolNoObjectDefinesGetsTheCallersHint() {
        // kelp convert's user picks the symbol sources (--modules); kelp build reads the installed ones itself
        for (KlpConverter.Options o : List.of(KlpConverter.Options.defaults(),
                KlpConverter.Options.defaults().withMissingHint("install the module that defines it"))) {
            ElfFile elf = ElfFile.read(TestModules.build("bad"));
            assertThatThrownBy(() -> KlpConverter.convert(elf, TestModules.oracle(), o))
                    .isInstanceOfSatisfying(KlpConversionException.class, e -> assertThat(e.problems())
                            .filteredOn(l -> l.contains(": kelp_no_such_symbol_anywhere: not exported and not defined"))
                            .singleElement().asString().endsWith("; " + o.missingHint()));
        }
        assertThat(KlpConverter.Options.defaults().missingHint()).contains("--modules DIR");
    }

    @Test
    void sideBandRecordsBecomeKlpRelocationsAfterTheLink() {
        KernelSymbols db = TestModules.database();
        // The side-band names unit amd.c; its find_patch is the one next to the AMD loader's functions.
        int amd = db.lookup(VMLINUX, "collect_cpu_info_amd").get(0).index();
        KSym expected = db.lookup(VMLINUX, "find_patch").stream()
                .min(Comparator.comparingInt(k -> Math.abs(k.index() - amd))).orElseThrow();
        assertThat(db.lookup(VMLINUX, "find_patch")).hasSizeGreaterThan(1);

        ElfFile elf = ElfFile.read(TestModules.build("sideband"));
        assertThat(elf.section(".kelp.relocs")).isNotNull();
        KlpConverter.Result r = KlpConverter.convert(elf, TestModules.oracle(), KlpConverter.Options.defaults());
        assertThat(targets(r)).containsExactly("vmlinux vmlinux:find_patch," + expected.sympos());
        KlpRelocation k = r.relocations().get(0);
        assertThat(k.section()).isEqualTo(".data.kelp_ptr");
        assertThat(k.offset()).isZero();
        assertThat(k.type()).isEqualTo(1);
        ElfFile back = ElfFile.read(writeTo(elf, "sideband.ko"));
        assertThat(back.sections()).noneMatch(s -> s.name().startsWith(".kelp.") || s.name().startsWith(".rela.kelp."));
        Symbol sym = back.symbols().stream().filter(Symbol::isLivepatch).findFirst().orElseThrow();
        assertThat(sym.name()).isEqualTo(".klp.sym.vmlinux.find_patch," + expected.sympos());
        assertThat(sym.type()).isEqualTo(Elf.STT_FUNC);
    }

    @Test
    void moduleExportsBecomeKlpRelocationsOfThatModuleAndLeaveDepends() {
        assertThat(TestModules.database().isExported("nf_conntrack_htable_size").map(e -> e.object()))
                .contains("nf_conntrack");
        ElfFile elf = ElfFile.read(TestModules.build("module-export"));
        assertThat(ModinfoDependsTestAccess.depends(elf)).isEqualTo("nf_conntrack");
        KlpConverter.Result r = KlpConverter.convert(elf, TestModules.oracle(), KlpConverter.Options.defaults());
        assertThat(targets(r)).containsExactly("nf_conntrack nf_conntrack:nf_conntrack_htable_size,0");
        assertThat(r.relocations().get(0).klpSection()).isEqualTo(".klp.rela.nf_conntrack.text");
        ElfFile back = ElfFile.read(writeTo(elf, "modexp.ko"));
        assertThat(ModinfoDependsTestAccess.depends(back)).as("the patch must not pull nf_conntrack in").isEmpty();
        assertThat(back.symbols()).noneMatch(s -> s.isUndefined() && s.name().equals("nf_conntrack_htable_size"));
    }

    @Test
    void jumpLabelOnAModuleKeyIsRefusedAsUnsupported() {
        ElfFile elf = ElfFile.read(TestModules.build("module-key"));
        assertThatThrownBy(() -> KlpConverter.convert(elf, TestModules.oracle(), KlpConverter.Options.defaults()))
                .isInstanceOfSatisfying(KlpConversionException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(2);
                    assertThat(e.problems()).singleElement().asString()
                            .contains(": base_true_key: entry of special section __jump_table+0x")
                            .contains("module test_static_key_base").contains("static_key_enabled()");
                });
    }

    @Test
    void aConvertedModuleConvertsToItself() {
        ElfFile once = ElfFile.read(TestModules.build("uc1"));
        KlpConverter.convert(once, TestModules.oracle(), KlpConverter.Options.defaults());
        byte[] first = once.toBytes();
        ElfFile again = ElfFile.read("uc1-converted", first);
        KlpConverter.Result r = KlpConverter.convert(again, TestModules.oracle(), KlpConverter.Options.defaults());
        assertThat(r.relocations()).isEmpty();
        assertThat(again.toBytes()).isEqualTo(first);
    }

    @Test
    void aModuleWithTooManySectionsForThe61LoaderIsRefused() {
        ElfFile elf = ElfFile.read(TestModules.build("uc1"));
        for (int i = 0; elf.sections().size() + 1 < Elf.SHN_LORESERVE; i++) {
            elf.addSection(new Section(".kelp.filler." + i, Elf.SHT_PROGBITS));
        }
        assertThatThrownBy(() -> KlpConverter.convert(elf, TestModules.oracle(), KlpConverter.Options.defaults()))
                .isInstanceOfSatisfying(KlpConversionException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(2);
                    assertThat(e.problems()).singleElement().asString().contains("sections")
                            .contains("extended section numbering");
                });
    }

    @Test
    void klpConvertSymbolMapGivesTheSameResultAndCannotGuessPositions() {
        Path map = tmp.resolve("symbols.klp");
        SymbolMapWriter.writeKlpConvert(TestModules.database(), map);
        SymbolMapOracle oracle = SymbolMapOracle.read(map);

        ElfFile viaMap = ElfFile.read(TestModules.build("uc1"));
        ElfFile viaDb = ElfFile.read(TestModules.build("uc1"));
        assertThat(targets(KlpConverter.convert(viaMap, oracle, KlpConverter.Options.defaults())))
                .isEqualTo(targets(KlpConverter.convert(viaDb, TestModules.oracle(), KlpConverter.Options.defaults())));
        assertThat(targets(KlpConverter.convert(ElfFile.read(TestModules.build("uc2-label")), oracle,
                KlpConverter.Options.defaults()))).containsExactly("vmlinux vmlinux:ucode_path,2");
        assertThatThrownBy(() -> KlpConverter.convert(ElfFile.read(TestModules.build("uc3")), oracle,
                KlpConverter.Options.defaults())).isInstanceOf(KlpConversionException.class)
                .hasMessageContaining("ucode_path: ambiguous: vmlinux has " + ucodePaths() + " symbols of that name");
    }

    @Test
    void inspectShowsEveryKlpRelocation() throws Exception {
        ElfFile elf = ElfFile.read(TestModules.build("uc1"));
        KlpConverter.Result r = KlpConverter.convert(elf, TestModules.oracle(), KlpConverter.Options.defaults());
        Path out = writeTo(elf, "uc1.ko");

        CliRun text = kelp("inspect", "--livepatch", out.toString());
        assertThat(text.exit()).isZero();
        assertThat(text.out()).contains("vmlinux:cmdline_proc_show,0 → kelp_cmdline_proc_show");
        for (KlpRelocation k : r.relocations()) {
            String type = Machines.relocationName(Elf.EM_X86_64, k.type());
            assertThat(text.out()).contains(k.section() + "+0x" + Long.toHexString(k.offset()) + " → " + k.object()
                    + ":" + k.symbol() + "," + k.sympos() + " (" + type + ")");
        }

        CliRun json = kelp("inspect", "--livepatch", "--json", out.toString());
        JsonNode lp = new ObjectMapper().readTree(json.out()).get(0).get("livepatch");
        assertThat(lp.get("livepatchFlag").asBoolean()).isTrue();
        List<String> shown = new ArrayList<>();
        lp.get("relocations").forEach(n -> shown.add(n.get("section").asText() + "+" + n.get("offset").asLong() + " "
                + n.get("object").asText() + ":" + n.get("symbol").asText() + "," + n.get("sympos").asLong()));
        assertThat(shown).containsExactlyInAnyOrderElementsOf(r.relocations().stream()
                .map(k -> k.section() + "+" + k.offset() + " " + k.object() + ":" + k.symbol() + "," + k.sympos())
                .collect(Collectors.toList()));
        assertThat(lp.get("functions").get(0).get("oldName").asText()).isEqualTo("cmdline_proc_show");
    }

    @Test
    void convertCommandWritesTheModuleAndPrintsTheIncludeDir() {
        // --vmlinuz without --symvers: the exports come from the headers of the release in the image's banner.
        Path out = tmp.resolve("uc1-cli.ko");
        CliRun run = kelp("convert", "--vmlinuz", "/boot/vmlinuz-" + TestModules.release(),
                TestModules.build("uc1").toString(), "-o", out.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("2 klp relocations (vmlinux 2)");
        assertThat(LivepatchModule.read(ElfFile.read(out)).relocations()).hasSize(2);

        CliRun dir = kelp("convert", "--print-include-dir");
        assertThat(dir.exit()).isZero();
        assertThat(Path.of(dir.out().strip()).resolve(KelpHeaders.HEADER)).hasBinaryContent(KelpHeaders.header());
    }
}
