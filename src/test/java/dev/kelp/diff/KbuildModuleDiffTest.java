package dev.kelp.diff;

import java.util.Optional;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Relocation;
import dev.kelp.elf.Section;
import dev.kelp.elf.Symbol;
import dev.kelp.util.Proc;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small module built twice with kbuild against the installed Debian kernel headers (so with
 * the real 6.1 toolchain: objtool, ORC, return thunks, static calls, jump labels, dynamic debug,
 * -ffunction-sections -fdata-sections as a livepatch build uses), then diffed: every special
 * section of a real build is filtered to the changed functions, and a jump label on a key the
 * module defines is refused for a module target.
 */
class KbuildModuleDiffTest {
    @TempDir
    static Path tmp;

    static Path orig;
    static Path helperOnly;
    static Path both;

    @BeforeAll
    static void build() throws IOException {
        String src;
        try (InputStream in = KbuildModuleDiffTest.class.getResourceAsStream("kmod.c")) {
            src = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        orig = kbuild("orig", src);
        helperOnly = kbuild("helper", src.replace("return x * 2;", "return x * 3;"));
        both = kbuild("both", src.replace("return x * 2;", "return x * 3;").replace("key on %d", "key is on: %d"));
    }

    private static Path kbuild(String name, String source) throws IOException {
        // the installed kernel kelp build targets by default (the newest with headers and image)
        String release = dev.kelp.target.Target.discover(Optional.empty(), Optional.empty()).release();
        Path lib = Path.of("/lib/modules");
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("kmod.c"), source);
        Files.writeString(dir.resolve("Kbuild"), "obj-m := kmod.o\n");
        Proc.Result r = Proc.of("make", "-s", "-C", lib.resolve(release).resolve("build").toString(), "M=" + dir,
                "KCFLAGS=-ffunction-sections -fdata-sections", "modules").timeout(Duration.ofMinutes(5)).run();
        assertThat(r.exitCode()).as("kbuild " + name + ": " + r.stderr()).isZero();
        return dir.resolve("kmod.o");
    }

    @Test
    void realSpecialSectionsFollowTheChangedFunctions() {
        DiffResult r = new Differ(new DiffOptions(StructSizes.none(), "vmlinux", "kmod.c")).diff(orig, both);
        assertThat(r.outcome()).as(r.problems().toString()).isEqualTo(DiffResult.Outcome.CHANGED);
        assertThat(r.changed()).containsExactlyInAnyOrder("kmod_helper", "kmod_work");
        Path out = tmp.resolve("out.o");
        r.output().write(out);
        OutputChecks.readelfAndLd(out, tmp);
        ElfFile e = ElfFile.read(out);
        ObjectIndex idx = new ObjectIndex(e, out.toString(), X86.ARCH);
        // every record of every kept table is anchored in a function of the output
        for (String table : List.of("__bug_table", "__jump_table", ".static_call_sites", ".return_sites",
                ".orc_unwind_ip")) {
            Section s = e.section(table);
            assertThat(s).as(table + " kept").isNotNull();
            for (Relocation rel : idx.relocationsOf(s)) {
                if (rel.offset() % recordSize(table) == 0) { // the anchor is the first field of these tables
                    RelocTarget t = idx.resolve(s, rel);
                    assertThat(t.kind()).as(table + " anchor").isEqualTo(RelocTarget.Kind.SYMBOL);
                    assertThat(t.symbol().isFunction() && t.symbol().section() != null)
                            .as(table + " anchor " + t.symbol().name()).isTrue();
                }
            }
        }
        assertThat(e.section(".orc_unwind").size()).isEqualTo(e.section(".orc_unwind_ip").size() / 4 * 6);
        assertThat(OutputChecks.mcountEntries(idx)).contains("kmod_helper", "kmod_work");
        List<String> sideBand = OutputChecks.sideBand(e).stream().map(OutputChecks.SideBandEntry::name).toList();
        assertThat(sideBand).contains("kmod_key", "kmod_lock", "counter");
        assertThat(r.data()).anyMatch(d -> d.name().startsWith("__UNIQUE_ID_ddebug") && d.kind() == IncludedData.Kind.FRESH_STATIC);
        for (Symbol s : e.symbols()) {
            assertThat(s.isSection() && s.isUndefined()).isFalse();
        }
    }

    private static int recordSize(String table) {
        switch (table) {
            case "__bug_table":
                return 12;
            case "__jump_table":
                return 16;
            case ".static_call_sites":
                return 8;
            default:
                return 4;
        }
    }

    @Test
    void moduleKeyIsRefusedOnlyWhenTheChangedCodeUsesIt() {
        DiffOptions module = new DiffOptions(StructSizes.none(), "kmod", null);
        DiffResult refused = new Differ(module).diff(orig, both);
        assertThat(refused.outcome()).isEqualTo(DiffResult.Outcome.UNSUPPORTED);
        assertThat(refused.problems()).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("kmod_key").contains("static_key_enabled"));
        DiffResult fine = new Differ(module).diff(orig, helperOnly);
        assertThat(fine.outcome()).as(fine.problems().toString()).isEqualTo(DiffResult.Outcome.CHANGED);
        assertThat(fine.changed()).containsExactly("kmod_helper");
    }

    @Test
    void unchangedRebuildIsNoChange() {
        assertThat(new Differ(DiffOptions.defaults()).diff(orig, orig).outcome())
                .isEqualTo(DiffResult.Outcome.NO_CHANGE);
    }
}
