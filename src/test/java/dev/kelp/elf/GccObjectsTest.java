package dev.kelp.elf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.testsupport.Gcc;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Objects gcc compiles in the test: an ordinary one, and one that needs extended numbering. */
class GccObjectsTest {
    @TempDir
    Path tmp;

    static final String ORDINARY = """
            #include <stddef.h>
            struct item { const char *name; int (*fn)(int); };
            static int counter;
            __thread int per_thread;
            int common_sym __attribute__((common));
            static __attribute__((noinline)) int helper(int x) { return x * 3 + counter++; }
            int visible(int x) { return helper(x) + per_thread; }
            __attribute__((weak)) int weak_fn(int x) { return x - 1; }
            static const struct item table[] = { { "visible", visible }, { "weak", weak_fn } };
            const char *lookup(size_t i) { return i < 2 ? table[i].name : "none"; }
            static inline int __attribute__((always_inline)) twice(int x) { return 2 * x; }
            int user(int x) { return twice(x) + table[x & 1].fn(x); }
            """;

    @Test
    void ordinaryObjectRoundTripsWithPlainNumbering() throws IOException {
        Path obj = Gcc.compile(tmp, "ordinary", ORDINARY, "-O2", "-g", "-fcommon", "-ffunction-sections",
                "-fdata-sections");
        Path out = tmp.resolve("ordinary.out.o");
        ElfFile back = RoundTripTest.assertRoundTrip(obj, out);
        RoundTripTest.assertBinutilsAccept(out, tmp);
        assertThat(back.symbols()).extracting(Symbol::name).contains("visible", "weak_fn", "helper", "common_sym");
        assertThat(back.sections()).extracting(Section::name).contains(".debug_info", ".rela.debug_info");

        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
        int shnum = b.getShort(60) & 0xffff;
        assertThat(shnum).isEqualTo(back.sections().size() + 1);
        int shoff = (int) b.getLong(40);
        for (int i = 0; i < Elf.SHDR_SIZE; i++) {
            assertThat(b.get(shoff + i)).as("section 0 byte " + i).isZero();
        }
        assertThat(Tools.readelf(out, "-sW")).contains(" common_sym").contains(" COM ");
    }

    @Test
    void objectWithMoreThan65280SectionsUsesExtendedNumbering() throws IOException {
        int functions = 70_000;
        StringBuilder src = new StringBuilder();
        for (int i = 0; i < functions; i++) {
            src.append("int f").append(i).append("(void) { return ").append(i).append("; }\n");
        }
        Path obj = Gcc.compile(tmp, "many", src.toString(), "-O0", "-ffunction-sections",
                "-fno-asynchronous-unwind-tables");
        ElfFile in = ElfFile.read(obj);
        assertThat(in.sections().size()).isGreaterThan(Elf.SHN_LORESERVE);
        assertThat(in.symtab().symbols()).anySatisfy(s -> {
            assertThat(s.name()).isEqualTo("f69999");
            assertThat(s.section().name()).isEqualTo(".text.f69999");
            assertThat(s.section().index()).isGreaterThan(Elf.SHN_LORESERVE);
        });

        Path out = tmp.resolve("many.out.o");
        ElfFile back = RoundTripTest.assertRoundTrip(obj, out);
        assertThat(back.shstrtab().index()).isGreaterThan(Elf.SHN_LORESERVE);

        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
        int shoff = (int) b.getLong(40);
        assertThat(b.getShort(60) & 0xffff).as("e_shnum").isZero();
        assertThat(b.getShort(62) & 0xffff).as("e_shstrndx").isEqualTo(Elf.SHN_XINDEX);
        assertThat(b.getLong(shoff + 32)).as("section 0 sh_size").isEqualTo(back.sections().size() + 2);
        assertThat(b.getInt(shoff + 40)).as("section 0 sh_link").isEqualTo(back.shstrtab().index());

        String header = Tools.readelf(out, "-hW");
        assertThat(header).containsPattern("Number of section headers:\\s+0 \\(" + (back.sections().size() + 2) + "\\)");
        // readelf -a reads every header, symbol and relocation and prints nothing on stderr.
        assertThat(Tools.readelf(out, "-a", "-W")).contains(".symtab_shndx").contains("SYMTAB SECTION INDICES");
        String symbols = Tools.readelf(out, "-sW");
        assertThat(symbols).containsPattern("FUNC +GLOBAL +DEFAULT +" + back.section(".text.f69999").index() + " f69999\n");
        Tools.ldRelocatable(out, tmp.resolve("many.ld.o"));
    }
}
