package dev.kelp.elf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kelp.inspect.Inspector;
import dev.kelp.inspect.ModinfoView;
import dev.kelp.inspect.RelocationsView;
import dev.kelp.inspect.SymbolsView;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Debian's real kernel modules: round trips, and inspect agrees with readelf. */
class DebianModulesTest {
    @TempDir
    Path tmp;

    /** Every 40th installed module, in path order: about 100 of Debian's ~4,000. */
    static List<Path> sample() {
        List<Path> all = Tools.modules(Tools.kernelModules());
        assertThat(all).as("installed modules").hasSizeGreaterThan(1000);
        List<Path> s = IntStream.range(0, all.size()).filter(i -> i % 40 == 0).mapToObj(all::get).toList();
        return s;
    }

    static Stream<Path> sampleModules() {
        return sample().stream();
    }

    /** A few modules of the sample for the line-by-line comparison with readelf. */
    static Stream<Path> comparedModules() {
        List<Path> s = sample();
        return IntStream.range(0, s.size()).filter(i -> i % 17 == 3).mapToObj(s::get);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sampleModules")
    void moduleRoundTrips(Path module) {
        Path out = tmp.resolve(module.getFileName().toString().replaceAll("\\.(xz|gz|zst)$", ""));
        ElfFile back = RoundTripTest.assertRoundTrip(module, out);
        assertThat(Tools.readelf(out, "-a", "-W")).contains("Symbol table '.symtab'");
        assertThat(ModinfoView.entries(back)).isEqualTo(ModinfoView.entries(ElfFile.read(module)))
                .anySatisfy(e -> assertThat(e.key()).isEqualTo("vermagic"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("comparedModules")
    void inspectAgreesWithReadelf(Path module) {
        ElfFile elf = ElfFile.read(module);
        JsonNode json = new Inspector(List.of(new SymbolsView(), new RelocationsView())).toJson(module.toString(), elf);
        int symbols = compareSymbols(json.get("symbols").get(0).get("symbols"), Tools.readelf(module, "-sW"));
        int relocs = compareRelocations(json.get("relocations"), Tools.readelf(module, "-rW"));
        assertThat(symbols).isEqualTo(elf.symbols().size()).isPositive();
        assertThat(relocs).isPositive();
        Tools.ldRelocatable(roundTripped(module), tmp.resolve("linked.o"));
    }

    @Test
    void sampleIsLargeEnough() {
        assertThat(sample()).hasSizeGreaterThanOrEqualTo(90);
        assertThat(comparedModules().count()).isGreaterThanOrEqualTo(5);
    }

    private Path roundTripped(Path module) {
        Path out = tmp.resolve("rt.ko");
        ElfFile.read(module).write(out);
        return out;
    }

    private static final Pattern SYMBOL_LINE = Pattern.compile(
            "^\\s*(\\d+): ([0-9a-f]+)\\s+(\\S+) (\\S+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+) ?(.*)$");

    /** Compares every symbol line of readelf -sW with inspect's JSON; returns how many. */
    private static int compareSymbols(JsonNode mine, String readelf) {
        int n = 0;
        for (String line : readelf.split("\n")) {
            Matcher m = SYMBOL_LINE.matcher(line);
            if (!m.matches() || m.group(1).equals("0")) {
                continue;
            }
            int index = Integer.parseInt(m.group(1));
            JsonNode s = mine.get(index - 1);
            String w = "symbol " + index + ": " + line;
            assertThat(s.get("index").asInt()).as(w).isEqualTo(index);
            assertThat(Long.toHexString(s.get("value").asLong())).as(w).isEqualTo(m.group(2).replaceFirst("^0+(?=.)", ""));
            String size = m.group(3);
            long rsize = size.startsWith("0x") ? Long.parseLong(size.substring(2), 16) : Long.parseLong(size);
            assertThat(s.get("size").asLong()).as(w).isEqualTo(rsize);
            assertThat(s.get("type").asText()).as(w).isEqualTo(m.group(4));
            assertThat(s.get("bind").asText()).as(w).isEqualTo(m.group(5));
            assertThat(s.get("visibility").asText()).as(w).isEqualTo(m.group(6));
            String ndx = m.group(7);
            if (ndx.matches("\\d+")) {
                assertThat(s.get("shndx").asInt()).as(w).isEqualTo(Integer.parseInt(ndx));
            } else {
                assertThat(s.get("section").asText()).as(w).isEqualTo(ndx);
            }
            String name = s.get("type").asText().equals("SECTION") && s.get("name").asText().isEmpty()
                    ? s.get("section").asText() : s.get("name").asText();
            assertThat(name).as(w).isEqualTo(m.group(8));
            n++;
        }
        assertThat(n).isEqualTo(mine.size());
        return n;
    }

    private static final Pattern RELOC_SECTION = Pattern.compile("^Relocation section '([^']+)' at offset .*");
    private static final Pattern RELOC_LINE = Pattern.compile(
            "^([0-9a-f]{16})\\s+([0-9a-f]{16}) (\\S+)\\s+(?:([0-9a-f]{16}) (.*) ([+-]) ([0-9a-f]+)|([0-9a-f]+))$");

    /** Compares every relocation of readelf -rW with inspect's JSON, section by section. */
    private static int compareRelocations(JsonNode mine, String readelf) {
        List<String> sectionNames = new ArrayList<>();
        Iterator<JsonNode> sections = mine.elements();
        JsonNode current = null;
        int k = 0;
        int n = 0;
        for (String line : readelf.split("\n")) {
            Matcher sm = RELOC_SECTION.matcher(line);
            if (sm.matches()) {
                if (current != null) {
                    assertThat(k).as(current.get("section").asText()).isEqualTo(current.get("relocations").size());
                }
                current = sections.next();
                sectionNames.add(sm.group(1));
                assertThat(current.get("section").asText()).isEqualTo(sm.group(1));
                k = 0;
                continue;
            }
            Matcher m = RELOC_LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            JsonNode r = current.get("relocations").get(k++);
            String w = current.get("section").asText() + ": " + line;
            long info = Long.parseUnsignedLong(m.group(2), 16);
            assertThat(r.get("offset").asLong()).as(w).isEqualTo(Long.parseUnsignedLong(m.group(1), 16));
            assertThat(r.get("typeValue").asLong()).as(w).isEqualTo(info & 0xffffffffL);
            assertThat(r.get("symbolIndex").asLong()).as(w).isEqualTo(info >>> 32);
            assertThat(r.get("type").asText()).as(w).isEqualTo(m.group(3));
            if (m.group(5) != null) {
                assertThat(r.get("symbol").asText()).as(w).isEqualTo(m.group(5));
                long addend = Long.parseUnsignedLong(m.group(7), 16);
                assertThat(r.get("addend").asLong()).as(w).isEqualTo(m.group(6).equals("-") ? -addend : addend);
            } else {
                assertThat(r.get("addend").asLong()).as(w).isEqualTo(Long.parseUnsignedLong(m.group(8), 16));
            }
            n++;
        }
        assertThat(sections.hasNext()).as("sections readelf did not list after " + sectionNames).isFalse();
        return n;
    }
}
