package dev.kelp.arch.x86;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.arch.Arch;
import dev.kelp.arch.FunctionEntry;
import dev.kelp.arch.RelocIndex;
import dev.kelp.arch.registry.Machines;
import dev.kelp.elf.Elf;
import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Relocation;
import dev.kelp.elf.Section;
import dev.kelp.elf.Symbol;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Function-entry detection against the compiler's own record of ftrace sites: in every corpus
 * object and sampled Debian module, a function has a hook exactly where __mcount_loc says; and
 * the bytes between functions (alignment, __pfx_ symbols) are recognized as padding.
 */
class X86FunctionEntryTest {
    private final Arch arch = Machines.forElf(Elf.EM_X86_64).arch();

    @Test
    void hooksAreWhereMcountLocSaysTheyAre() {
        Map<FunctionEntry.Form, Integer> forms = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        int objectsWithMcount = 0;
        for (Path p : TestObjects.corpusAndModules(30)) {
            ElfFile elf = ElfFile.read(p);
            Section mcount = elf.section("__mcount_loc");
            if (mcount == null) {
                continue;
            }
            objectsWithMcount++;
            boolean module = p.toString().endsWith(".ko");
            Set<String> sites = new HashSet<>();
            for (Relocation r : TestObjects.relocs(elf, mcount)) {
                Symbol s = r.symbol();
                long at = s.isSection() ? r.addend() : s.value() + r.addend();
                sites.add(s.section().name() + "+" + at);
            }
            Map<Section, RelocIndex> relocCache = new HashMap<>();
            for (Symbol f : elf.symbols()) {
                if (f.type() != Elf.STT_FUNC || f.size() == 0 || f.section() == null
                        || !f.section().hasFlag(Elf.SHF_EXECINSTR)) {
                    continue;
                }
                Section sec = f.section();
                RelocIndex relocs = relocCache.computeIfAbsent(sec, s -> RelocIndex.of(TestObjects.relocs(elf, s)));
                int start = (int) f.value();
                FunctionEntry e = arch.functionEntry(sec.data(), start, start + (int) f.size(), relocs);
                forms.merge(e.form(), 1, Integer::sum);
                boolean recorded = e.hookOffset() >= 0 && sites.contains(sec.name() + "+" + (start + e.hookOffset()));
                boolean anyRecorded = sites.contains(sec.name() + "+" + start)
                        || sites.contains(sec.name() + "+" + (start + 4));
                // Every recorded site must be detected. The converse holds for the Debian build, not for
                // some corpus objects whose __mcount_loc only lists .init.text (older recordmcount).
                boolean missed = anyRecorded && !recorded && e.form() != FunctionEntry.Form.NOP_UNRECORDED;
                boolean unrecorded = module && e.hasHook() && !recorded;
                if (missed || unrecorded) {
                    problems.add(p.getFileName() + " " + f.name() + ": " + e + ", __mcount_loc has it: " + anyRecorded);
                }
            }
        }
        System.out.println("function entries in " + objectsWithMcount + " objects: " + forms);
        assertThat(problems).isEmpty();
        assertThat(forms.getOrDefault(FunctionEntry.Form.CALL, 0)).isGreaterThan(1000);
        assertThat(forms.getOrDefault(FunctionEntry.Form.NOP_WITH_RELOC, 0)).isGreaterThan(100);
        assertThat(forms.getOrDefault(FunctionEntry.Form.NONE, 0)).as("notrace functions exist").isPositive();
    }

    @Test
    void gapsBetweenFunctionsAndPrefixSymbolsArePadding() {
        int gaps = 0;
        int prefixes = 0;
        List<String> problems = new ArrayList<>();
        for (Path p : TestObjects.corpusAndModules(20)) {
            ElfFile elf = ElfFile.read(p);
            Map<Section, List<Symbol>> bySection = new HashMap<>();
            for (Symbol f : elf.symbols()) {
                if (f.type() == Elf.STT_FUNC && f.section() != null && f.section().hasFlag(Elf.SHF_EXECINSTR)) {
                    bySection.computeIfAbsent(f.section(), s -> new ArrayList<>()).add(f);
                }
            }
            for (var e : bySection.entrySet()) {
                byte[] data = e.getKey().data();
                List<Symbol> fs = e.getValue();
                fs.sort(Comparator.comparingLong(Symbol::value));
                for (int i = 0; i < fs.size(); i++) {
                    Symbol f = fs.get(i);
                    if (arch.paddingSymbolPrefixes().stream().anyMatch(f.name()::startsWith)) {
                        prefixes++;
                        if (!arch.isPadding(data, (int) f.value(), (int) (f.value() + f.size()))) {
                            problems.add(p.getFileName() + " " + f.name() + " is not padding");
                        }
                    }
                    long end = f.value() + f.size();
                    long next = i + 1 < fs.size() ? fs.get(i + 1).value() : data.length;
                    // Alignment gaps only: a longer gap in a linked module can hold code whose
                    // symbol was dropped, which is not padding.
                    if (next > end && next - end < 16) {
                        gaps++;
                        if (!arch.isPadding(data, (int) end, (int) next)) {
                            problems.add(p.getFileName() + " " + e.getKey().name() + " gap after " + f.name()
                                    + " [" + end + ", " + next + ") is not padding");
                        }
                    }
                }
            }
        }
        System.out.println("padding checked: " + gaps + " gaps between functions, " + prefixes + " prefix symbols");
        assertThat(problems).isEmpty();
        assertThat(gaps).isGreaterThan(1000);
        assertThat(prefixes).isPositive();
    }
}
