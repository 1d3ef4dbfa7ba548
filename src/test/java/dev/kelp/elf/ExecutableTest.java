package dev.kelp.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kelp.testsupport.Gcc;
import dev.kelp.util.KelpException;
import dev.kelp.util.Proc;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Executables (ET_EXEC, like vmlinux) are read for sections and symbols, without loading contents. */
class ExecutableTest {
    @TempDir
    Path tmp;

    @Test
    void executableSymbolsAreReadWithoutLoadingDebugSections() {
        Gcc.compile(tmp, "prog", """
                #include <stdio.h>
                static int square(int x) { return x * x; }
                int global_value = 7;
                int main(void) { printf("%d\\n", square(global_value)); return 0; }
                """, "-O1", "-g");
        Path exe = tmp.resolve("prog");
        Proc.of("gcc", "-no-pie", "-o", exe.toString(), tmp.resolve("prog.o").toString()).check("linking");

        ElfFile elf = ElfFile.read(exe);
        assertThat(elf.type()).isEqualTo(Elf.ET_EXEC);
        assertThat(elf.programHeaderCount()).isPositive();
        assertThat(elf.entry()).isNotZero();
        Symbol main = elf.findSymbol("main");
        assertThat(main.isFunction()).isTrue();
        assertThat(main.section().name()).isEqualTo(".text");
        assertThat(elf.findSymbol("global_value").section().name()).isEqualTo(".data");

        String readelf = Tools.readelf(exe, "-sW");
        Matcher m = Pattern.compile("Symbol table '\\.symtab' contains (\\d+) entries").matcher(readelf);
        assertThat(m.find()).isTrue();
        assertThat(elf.symbols()).hasSize(Integer.parseInt(m.group(1)) - 1);
        assertThat(readelf).containsPattern(": 0*" + Long.toHexString(main.value()) + " +" + main.size()
                + " FUNC +GLOBAL +DEFAULT +" + main.section().index() + " main\n");
        assertThat(elf.sections()).filteredOn(s -> s.name().startsWith(".debug_")).isNotEmpty()
                .allSatisfy(s -> assertThat(s.isLoaded()).as(s.name()).isFalse());
        assertThat(elf.sections()).filteredOn(s -> s.type() == Elf.SHT_DYNSYM).hasSize(1);

        Throwable t = catchThrowable(() -> elf.write(tmp.resolve("copy")));
        assertThat(t).isInstanceOf(KelpException.class).hasMessageContaining("only relocatable objects (ET_REL)");
    }
}
