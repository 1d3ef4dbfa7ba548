package dev.kelp.symbols;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.elf.ElfFile;
import dev.kelp.qemu.KernelTarget;
import dev.kelp.testsupport.Gcc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The System.map kelp derives from an ELF symbol table equals what nm -n | mksysmap gives. */
class VmlinuxSymtabTest {
    static final String HOMONYMS_A = "__attribute__((noinline)) static int helper(int x) { return x + 1; }\n"
            + "int a_entry(int x) { return helper(x) * 2; }\nstatic int counter;\n"
            + "int a_next(void) { return counter++; }\n";
    static final String HOMONYMS_B = "__attribute__((noinline)) static int helper(int x) { return x * 7 - 1; }\n"
            + "int b_entry(int x) { return helper(x) * 3; }\nstatic int counter = 4;\n"
            + "int b_next(void) { return counter++; }\nconst char b_name[] = \"b\";\n";
    static final String HOMONYMS_C = "__attribute__((noinline)) static int helper(int x) { return x ^ 5; }\n"
            + "int c_entry(int x) { return helper(x) * 5; }\n__attribute__((weak)) int c_weak(void) { return 1; }\n";

    static List<String> lines(List<RawSym> map) {
        return map.stream().map(r -> String.format("%016x %c %s", r.address(), r.type(), r.name())).toList();
    }

    @Test
    void linkedProgramMatchesNm(@TempDir Path dir) {
        Path prog = Gcc.linkProgram(dir, "prog", List.of(HOMONYMS_A, HOMONYMS_B, HOMONYMS_C), GccProgram.PROGRAM_FLAGS);
        List<RawSym> map = VmlinuxSymtab.systemMap(ElfFile.read(prog));
        assertThat(lines(map)).isEqualTo(GccProgram.mksysmap(prog)).hasSizeGreaterThan(8);
        assertThat(map.stream().filter(r -> r.name().equals("helper")).map(RawSym::file))
                .containsExactly("a.c", "b.c", "c.c");
    }

    @Test
    void realModulesMatchNm() throws IOException {
        KernelTarget kernel = CapturedKernel.target();
        List<Path> modules;
        try (Stream<Path> s = Files.walk(kernel.modulesDir().resolve("kernel/fs"))) {
            modules = s.filter(p -> p.toString().endsWith(".ko")).sorted().limit(12).toList();
        }
        assertThat(modules).hasSize(12);
        for (Path ko : modules) {
            List<RawSym> map = VmlinuxSymtab.systemMap(ElfFile.read(ko));
            assertThat(lines(map)).as(ko.toString()).isEqualTo(GccProgram.mksysmap(ko));
        }
    }
}
