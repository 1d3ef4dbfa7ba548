package dev.kelp.clones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.kelp.testsupport.Gcc;
import dev.kelp.util.KelpException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClonesAnalysisTest {
    @TempDir
    Path dir;

    /** A UnitCompiler over plain gcc-12, as kelp build's will be over the prepared kernel tree. */
    private UnitCompiler gcc(String object) {
        return (Collection<String> units, List<String> flags) -> {
            List<UnitCompiler.CompiledUnit> out = new ArrayList<>();
            for (String u : units) {
                Path obj = dir.resolve("build").resolve(u.replaceFirst("\\.c$", ".o"));
                try {
                    Files.createDirectories(obj.getParent());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                List<String> args = new ArrayList<>(List.of("-O2"));
                args.addAll(flags);
                args.addAll(List.of("-c", "-o", obj.toString(), u));
                Gcc.run(dir.resolve("src"), args);
                out.add(new UnitCompiler.CompiledUnit(u, object, obj));
            }
            return out;
        };
    }

    private void source(String rel, String code) throws IOException {
        Path p = dir.resolve("src").resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, code);
    }

    @Test
    void startsApplyToTheirOwnUnitAndHeaderStartsToEveryUnitThatInlinedThem() throws IOException {
        source("lib/util.h", "static inline int clamp1(int x) { return x > 9 ? 9 : x; }\n");
        source("a/one.c", "#include \"../lib/util.h\"\nint one(int x) { return clamp1(x) + 1; }\n"
                + "static int same(int x) { return x * 3; }\nint use_one(int x) { return same(x) + 2; }\n");
        source("b/two.c", "#include \"../lib/util.h\"\nint two(int x) { return clamp1(x * 2); }\n"
                + "static int same(int x) { return x * 5; }\nint use_two(int x) { return same(x) - 2; }\n");
        List<IpaDump> dumps = DumpCollector.collect(gcc("vmlinux"), List.of("a/one.c", "b/two.c"));
        assertThat(dumps).extracting(IpaDump::unit, IpaDump::object)
                .containsExactly(tuple("a/one.c", "vmlinux"), tuple("b/two.c", "vmlinux"));
        List<StartFunction> starts = List.of(new StartFunction("clamp1", null, "header"),
                new StartFunction("same", "b/two.c", "changed"), new StartFunction("gone", "c/three.c", "changed"));
        ClonesAnalysis.Result r = ClonesAnalysis.run(starts, dumps, SymbolLookup.none(), "vmlinux");
        assertThat(r.all()).extracting(AffectedFunction::unit, AffectedFunction::name).containsExactlyInAnyOrder(
                tuple("a/one.c", "clamp1"), tuple("a/one.c", "one"),
                tuple("b/two.c", "clamp1"), tuple("b/two.c", "two"),
                tuple("b/two.c", "same"), tuple("b/two.c", "use_two"),
                tuple("c/three.c", "gone"));
        assertThat(r.notes()).anyMatch(n -> n.startsWith("gone: no ipa-clones dump for c/three.c"));
    }

    @Test
    void dumpFilesMatchUnitsByPath() {
        assertThat(ClonesAnalysis.sameUnit("fs/proc/cmdline.c", "/b/o/fs/proc/cmdline.c.000i.ipa-clones")).isTrue();
        assertThat(ClonesAnalysis.sameUnit("fs/proc/cmdline.c", "cmdline.c.000i.ipa-clones")).isTrue();
        assertThat(ClonesAnalysis.sameUnit("fs/proc/cmdline.c", "fs/proc/cmdline.c")).isTrue();
        assertThat(ClonesAnalysis.sameUnit("fs/proc/cmdline.c", "fs/proc/meminfo.c.000i.ipa-clones")).isFalse();
    }

    @Test
    void missingDumpAfterCompilingIsAClearError() {
        UnitCompiler silent = (units, flags) -> List.of(new UnitCompiler.CompiledUnit("x.c", "vmlinux", dir.resolve("x.o")));
        assertThatThrownBy(() -> DumpCollector.collect(silent, List.of("x.c"))).isInstanceOf(KelpException.class)
                .hasMessageContaining("x.c.000i.ipa-clones was not written");
    }

    @Test
    void kallsymsLinesGoToTheirModuleAndStubMapsAreRejected() throws IOException {
        Path ks = dir.resolve("kallsyms");
        Files.writeString(ks, "ffffffff81000000 T _stext\nffffffff81001000 t helper\n"
                + "ffffffffc0000000 t xfs_thing\t[xfs]\nffffffffc0001000 d xfs_data\t[xfs]\n");
        SymbolTables t = new SymbolTables().add("vmlinux", ks);
        assertThat(t.definesFunction("vmlinux", "helper")).contains(true);
        assertThat(t.definesFunction("vmlinux", "xfs_thing")).contains(false);
        assertThat(t.definesFunction("xfs", "xfs_thing")).contains(true);
        assertThat(t.definesFunction("xfs", "xfs_data")).contains(false);
        assertThat(t.definesFunction("ext4", "x")).isEmpty();
        Path stub = dir.resolve("System.map");
        Files.writeString(stub, "ffffffffffffffff B The real System.map is in the linux-image-<version>-dbg package\n");
        assertThatThrownBy(() -> new SymbolTables().add("vmlinux", stub)).isInstanceOf(KelpException.class)
                .hasMessageContaining("placeholder System.map");
    }
}
