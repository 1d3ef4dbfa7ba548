package dev.kelp.diff;

import static dev.kelp.cli.CliRun.kelp;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kelp.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI contract of {@code kelp diff} and {@code kelp checksum}: exit codes, output lines, report. */
class DiffCommandTest {
    @TempDir
    Path tmp;

    private static Corpus.Case corpusCase(String name) {
        return Corpus.cases().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void changedWritesOutputAndReport() throws Exception {
        Corpus.Case c = corpusCase("function-ptr-new");
        Path out = tmp.resolve("out.o");
        Path report = tmp.resolve("r.json");
        CliRun r = kelp("diff", "--struct-sizes", c.structSizesArgument(), "--report", report.toString(),
                "--object", "vmlinux", "--unit", "fs/proc/meminfo.c", c.orig().toString(), c.patched().toString(),
                out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("changed function: meminfo_proc_open\n", "new function: patch_print_something\n");
        assertThat(out).exists();
        JsonNode j = new ObjectMapper().readTree(report.toFile());
        assertThat(j.get("outcome").asText()).isEqualTo("changed");
        assertThat(j.get("changed").toString()).isEqualTo("[\"meminfo_proc_open\"]");
        assertThat(j.get("new").toString()).isEqualTo("[\"patch_print_something\"]");
        assertThat(j.get("problems").size()).isZero();
        JsonNode fns = j.get("functions");
        assertThat(fns.findValuesAsText("name")).contains("meminfo_proc_open", "patch_print_something");
        for (JsonNode f : fns) {
            assertThat(f.get("reason").asText()).isNotEmpty();
            if (f.get("name").asText().equals("meminfo_proc_open")) {
                assertThat(f.get("alias").asText()).isEqualTo("kelp_new__vmlinux__meminfo_proc_open");
            }
        }
        OutputChecks.readelfAndLd(out, tmp);
        for (OutputChecks.SideBandEntry e : OutputChecks.sideBand(dev.kelp.elf.ElfFile.read(out))) {
            assertThat(e.object()).isEqualTo("vmlinux");
            assertThat(e.unit()).isEqualTo("fs/proc/meminfo.c");
        }
    }

    @Test
    void unsupportedListsEveryProblemAndWritesNothing() throws Exception {
        Corpus.Case c = corpusCase("meminfo-init");
        Path out = tmp.resolve("out.o");
        Files.writeString(out, "stale");
        Path report = tmp.resolve("r.json");
        CliRun r = kelp("diff", "--report", report.toString(), c.orig().toString(), c.patched().toString(), out.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("error: " + c.patched() + ": ");
        assertThat(r.err().lines().filter(l -> l.startsWith("error: "))).allMatch(l -> l.split(": ", 4).length == 4);
        assertThat(out).doesNotExist();
        JsonNode j = new ObjectMapper().readTree(report.toFile());
        assertThat(j.get("outcome").asText()).isEqualTo("unsupported");
        assertThat(j.get("problems").size()).isPositive();
    }

    @Test
    void noChangeExitsThreeAndWritesNothing() {
        Corpus.Case c = corpusCase("warn-detect");
        Path out = tmp.resolve("out.o");
        CliRun r = kelp("diff", c.orig().toString(), c.patched().toString(), out.toString());
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.out()).isEmpty();
        assertThat(out).doesNotExist();
    }

    @Test
    void badInputIsOneLineAndExitOne() throws Exception {
        Path junk = tmp.resolve("junk.o");
        Files.writeString(junk, "not an ELF file at all, just text");
        Corpus.Case c = corpusCase("meminfo-string");
        CliRun r = kelp("diff", c.orig().toString(), junk.toString(), tmp.resolve("o.o").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().lines()).singleElement().satisfies(l -> assertThat(l).startsWith("kelp: " + junk));
        CliRun missing = kelp("diff", c.orig().toString(), tmp.resolve("nope.o").toString(), tmp.resolve("o.o").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).startsWith("kelp: ").contains("nope.o");
        CliRun badSizes = kelp("diff", "--struct-sizes", "bug=x", c.orig().toString(), c.patched().toString(),
                tmp.resolve("o.o").toString());
        assertThat(badSizes.exit()).isEqualTo(1);
        assertThat(badSizes.err()).startsWith("kelp: --struct-sizes");
    }

    @Test
    void checksumListsEveryFunctionAndCompareFindsTheChangedOnes() {
        Corpus.Case c = corpusCase("meminfo-string");
        CliRun one = kelp("checksum", c.orig().toString());
        assertThat(one.exit()).isZero();
        assertThat(one.out().lines()).allMatch(l -> l.matches("\\S+ \\d+ [0-9a-f]{16}"));
        assertThat(one.out()).contains("meminfo_proc_show ");
        CliRun cmp = kelp("checksum", "--compare", c.orig().toString(), c.patched().toString());
        assertThat(cmp.exit()).isEqualTo(3);
        assertThat(cmp.out().lines()).containsExactly("meminfo_proc_show");
        CliRun same = kelp("checksum", "--compare", c.orig().toString(), c.orig().toString());
        assertThat(same.exit()).isZero();
        assertThat(same.out()).isEmpty();
    }
}
