package dev.kelp.symbols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelp.testsupport.Gcc;
import dev.kelp.util.KelpException;
import dev.kelp.util.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Module kallsyms rules on a module-shaped object built by gcc and ld -r. */
class ModuleSymtabTest {

    @Test
    void initSymbolsAreDroppedAndAHomonymInInitTextMakesTheCountLoadOrderDependent(@TempDir Path dir)
            throws IOException {
        Files.writeString(dir.resolve("a.c"), "__attribute__((section(\".init.text\"), noinline))\n"
                + "static int helper(int x) { return x + 1; }\nint a_init(int x) { return helper(x); }\n"
                + "static int twice(int x) { return 2 * x; }\nint a_use(int x) { return twice(x) + 1; }\n");
        Files.writeString(dir.resolve("b.c"), "__attribute__((noinline)) static int helper(int x) { return x * 3; }\n"
                + "int b_entry(int x) { return helper(x); }\n"
                + "__attribute__((noinline)) static int twice(int x) { return x << 1; }\n"
                + "int b_use(int x) { return twice(x) - 1; }\n");
        Files.writeString(dir.resolve("c.c"), "__attribute__((noinline)) static int twice(int x) { return x + x; }\n"
                + "int c_use(int x) { return twice(x) * 5; }\n");
        Gcc.run(dir, List.of("-O2", "-fno-inline", "-c", "a.c", "b.c", "c.c"));
        Path mods = Files.createDirectories(dir.resolve("modules"));
        Proc.of("ld", "-r", "-o", mods.resolve("my-mod.ko").toString(), "a.o", "b.o", "c.o").dir(dir).check("ld");

        ModuleSymtab.Module m = ModuleSymtab.read(mods.resolve("my-mod.ko"));
        assertThat(m.name()).isEqualTo("my_mod");
        assertThat(m.core()).extracting(RawSym::name).contains("helper", "b_entry", "twice")
                .doesNotContain("a.c", "b.c", "");
        assertThat(m.core().stream().filter(r -> r.name().equals("helper"))).singleElement()
                .extracting(RawSym::section).isEqualTo(".text");
        assertThat(m.loadOrderDependent()).containsExactly("helper");

        Path copy = Files.writeString(dir.resolve("kallsyms"), "ffffffff81000000 T _text\n");
        KernelSymbols db = KernelSymbols.load(new SymbolSource.Kallsyms(copy), new SymbolSource.Modules(mods));
        KSym helper = db.lookup("my_mod", "helper").get(0);
        assertThat(helper.sympos()).isZero();
        assertThatThrownBy(() -> db.checkedSympos(helper)).isInstanceOf(KelpException.class)
                .hasMessageContaining("module my_mod").hasMessageContaining("loaded before the patch");
        // twice: 2 in a.c (none in init) … all three in .text: positions 1..3 in symbol-table order.
        assertThat(db.lookup("my_mod", "twice")).extracting(KSym::sympos).containsExactly(1, 2, 3);
        assertThat(db.checkedSympos(db.lookup("my_mod", "twice").get(2))).isEqualTo(3);
    }
}
