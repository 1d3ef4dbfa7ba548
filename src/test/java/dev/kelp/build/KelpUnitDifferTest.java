package dev.kelp.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Symbol;
import dev.kelp.module.LivepatchModel;
import dev.kelp.symbols.KernelSymbols;
import dev.kelp.symbols.SymbolSource;
import dev.kelp.testsupport.Gcc;
import dev.kelp.tree.KbuildUnits;
import dev.kelp.util.KelpException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A unit linked into two modules, diffed once per module on objects gcc compiles here with
 * kbuild's livepatch flags: each copy has its own replacement alias and sympos, its new globals
 * are local to it, and another unit that refers to one of them by name is refused.
 */
class KelpUnitDifferTest {
    private static final List<String> FLAGS = List.of("-O2", "-ffunction-sections", "-fdata-sections", "-pg",
            "-mfentry", "-mrecord-mcount", "-fno-pic", "-fno-pie", "-mcmodel=kernel", "-fno-asynchronous-unwind-tables",
            "-fno-stack-protector", "-mno-red-zone");
    private static final String ORIGINAL = "static int __attribute__((noinline)) helper(int x) { return x * 3; }\n"
            + "int f(int x) { return helper(x) + 1; }\n";
    private static final String PATCHED = "int kelp_counter;\n"
            + "int __attribute__((noinline)) kelp_added(int x) { return x + kelp_counter++; }\n"
            + "static int __attribute__((noinline)) helper(int x) { return x * 3; }\n"
            + "int f(int x) { return helper(x) + kelp_added(x); }\n";

    @TempDir
    Path dir;

    private KelpUnitDiffer differ() throws IOException {
        // two modules with the same unit: f and its static helper in each, at different addresses
        Path kallsyms = dir.resolve("kallsyms");
        Files.writeString(kallsyms, "ffffffff81000000 T _stext\n"
                + "ffffffffc0000000 t helper\t[moda]\nffffffffc0000100 T f\t[moda]\n"
                + "ffffffffc1000000 t helper\t[modb]\nffffffffc1000100 T f\t[modb]\n");
        KernelSymbols db = KernelSymbols.load(new SymbolSource.Kallsyms(kallsyms));
        return new KelpUnitDiffer("test", r -> db);
    }

    private UnitBuilder.UnitPair pair(List<String> modules) {
        KbuildUnits.Unit unit = new KbuildUnits.Unit("drivers/x/u.o", "drivers/x/u.c", modules, List.of(), List.of());
        return new UnitBuilder.UnitPair(unit, compile("orig", "u", ORIGINAL), compile("patched", "u", PATCHED));
    }

    private Path compile(String sub, String name, String source) {
        return Gcc.compile(dir.resolve(sub), name, source, FLAGS.toArray(String[]::new));
    }

    private static Symbol symbol(Path object, String name) {
        return ElfFile.read(object).symbols().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void eachModuleGetsItsOwnCopyWithItsOwnAliasAndLocalNewGlobals() throws IOException {
        KelpUnitDiffer differ = differ();
        UnitBuilder.UnitPair pair = pair(List.of("moda", "modb"));
        UnitDiffer.UnitDiff a = differ.diff(pair, "moda", Map.of(), dir.resolve("diff"));
        UnitDiffer.UnitDiff b = differ.diff(pair, "modb", Map.of(), dir.resolve("diff"));
        assertThat(a.kind()).isEqualTo(UnitDiffer.Kind.CHANGED);
        assertThat(a.object()).isEqualTo("moda");
        assertThat(b.object()).isEqualTo("modb");
        assertThat(a.functions()).filteredOn(UnitDiffer.ChangedFunction::replaces)
                .extracting(UnitDiffer.ChangedFunction::name, UnitDiffer.ChangedFunction::newSymbol)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("f", "kelp_new__moda__f"));
        assertThat(b.functions()).filteredOn(UnitDiffer.ChangedFunction::replaces)
                .extracting(UnitDiffer.ChangedFunction::newSymbol).containsExactly("kelp_new__modb__f");
        assertThat(a.patchObject()).isPresent();
        assertThat(a.patchObject().get()).isNotEqualTo(b.patchObject().get());
        assertThat(a.localized()).containsExactlyInAnyOrder("kelp_counter", "kelp_added");
        assertThat(b.localized()).containsExactlyInAnyOrder("kelp_counter", "kelp_added");
        assertThat(a.data()).extracting(d -> d.name()).containsExactly("kelp_counter");
        for (UnitDiffer.UnitDiff d : List.of(a, b)) {
            Path o = d.patchObject().get();
            assertThat(symbol(o, "kelp_added").isLocal()).as("kelp_added in " + o).isTrue();
            assertThat(symbol(o, "kelp_counter").isLocal()).as("kelp_counter in " + o).isTrue();
            assertThat(symbol(o, "kelp_new__" + d.object() + "__f").isLocal()).isFalse();
        }
        // the copies link side by side: no global is defined twice
        List<String> globals = new ArrayList<>();
        for (UnitDiffer.UnitDiff d : List.of(a, b)) {
            ElfFile.read(d.patchObject().get()).symbols().stream().filter(s -> !s.isLocal() && !s.isUndefined())
                    .forEach(s -> globals.add(s.name()));
        }
        assertThat(globals).doesNotHaveDuplicates();
    }

    @Test
    void aUnitInOneModuleKeepsItsNewGlobals() throws IOException {
        UnitDiffer.UnitDiff a = differ().diff(pair(List.of("moda")), "moda", Map.of(), dir.resolve("diff"));
        assertThat(a.localized()).isEmpty();
        assertThat(symbol(a.patchObject().get(), "kelp_added").isLocal()).isFalse();
    }

    @Test
    void anotherUnitUsingALocalizedGlobalIsRefused() throws IOException {
        KelpUnitDiffer differ = differ();
        UnitBuilder.UnitPair pair = pair(List.of("moda", "modb"));
        UnitDiffer.UnitDiff a = differ.diff(pair, "moda", Map.of(), dir.resolve("diff"));
        KbuildUnits.Unit user = new KbuildUnits.Unit("drivers/x/v.o", "drivers/x/v.c", List.of("moda"), List.of(), List.of());
        Path v = compile("user", "v", "int kelp_added(int x);\nint g(int x) { return kelp_added(x); }\n");
        UnitDiffer.UnitDiff other = new UnitDiffer.UnitDiff(new UnitBuilder.UnitPair(user, v, v), "moda",
                UnitDiffer.Kind.CHANGED, Optional.of(v), List.of(), List.of(), LivepatchModel.Callbacks.NONE, List.of(),
                List.of());
        assertThatThrownBy(() -> BuildPipeline.checkLocalizedUnused(List.of(a, other)))
                .isInstanceOfSatisfying(KelpException.class, e -> assertThat(e.exitCode()).isEqualTo(KelpException.UNSUPPORTED))
                .hasMessageContaining("drivers/x/v.c uses kelp_added, new in drivers/x/u.c")
                .hasMessageContaining("moda+modb");
        BuildPipeline.checkLocalizedUnused(List.of(a)); // its own references are fine
    }
}
