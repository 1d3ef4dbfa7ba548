package dev.kelp.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kelp.cli.CliRun;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed inputs end in one ElfFormatException line naming the file, the problem and the offset. */
class BadInputTest {
    @TempDir
    Path tmp;

    static final String SAMPLE = "this_ip.ORIG.o";

    static byte[] sample() throws IOException {
        return Files.readAllBytes(RoundTripTest.corpus().resolve(SAMPLE));
    }

    /** A copy of the sample with an edit applied through a little-endian view. */
    static byte[] patched(Consumer<ByteBuffer> edit) throws IOException {
        byte[] b = sample();
        edit.accept(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN));
        return b;
    }

    static ElfFormatException failure(byte[] image) {
        Throwable t = catchThrowable(() -> InspectAll.touch(ElfFile.read("bad.o", image)));
        assertThat(t).isInstanceOf(ElfFormatException.class);
        ElfFormatException e = (ElfFormatException) t;
        assertThat(e.getMessage()).matches("bad\\.o: [^\\n]+ \\(at offset 0x[0-9a-f]+\\)");
        return e;
    }

    static int shoff(ByteBuffer b) {
        return (int) b.getLong(40);
    }

    /** Offset of the header of the first section of the given type in the sample. */
    static int headerOfType(ByteBuffer b, int type) {
        int n = b.getShort(60) & 0xffff;
        for (int i = 1; i < n; i++) {
            if (b.getInt(shoff(b) + i * 64 + 4) == type) {
                return shoff(b) + i * 64;
            }
        }
        throw new AssertionError("no section of type " + type);
    }

    @Test
    void truncatedHeader() throws IOException {
        ElfFormatException e = failure(Arrays.copyOf(sample(), 40));
        assertThat(e.problem()).contains("truncated ELF header").contains("40 bytes");
    }

    @Test
    void truncatedFileCutsSectionHeaders() throws IOException {
        byte[] b = sample();
        ElfFormatException e = failure(Arrays.copyOf(b, b.length - 100));
        assertThat(e.problem()).contains("does not fit in the file");
        assertThat(e.offset()).isEqualTo(60);
    }

    @Test
    void badMagic() throws IOException {
        ElfFormatException e = failure(patched(b -> b.put(1, (byte) 'X')));
        assertThat(e.problem()).isEqualTo("not an ELF file (bad magic)");
        assertThat(e.offset()).isZero();
        assertThat(failure(new byte[0]).problem()).isEqualTo("not an ELF file (bad magic)");
    }

    @Test
    void thirtyTwoBitElfIsRefused() throws IOException {
        ElfFormatException e = failure(patched(b -> b.put(4, (byte) Elf.ELFCLASS32)));
        assertThat(e.problem()).contains("32-bit ELF").contains("not supported");
        assertThat(e.offset()).isEqualTo(4);
    }

    @Test
    void sectionContentsBeyondTheFile() throws IOException {
        ElfFormatException e = failure(patched(b -> b.putLong(headerOfType(b, Elf.SHT_PROGBITS) + 24, 1L << 40)));
        assertThat(e.problem()).contains("extend beyond the end of the file");
    }

    @Test
    void sectionHeaderTableBeyondTheFile() throws IOException {
        ElfFormatException e = failure(patched(b -> b.putLong(40, 1L << 33)));
        assertThat(e.problem()).contains("e_shoff").contains("beyond the end of the file");
        assertThat(e.offset()).isEqualTo(40);
    }

    @Test
    void shstrndxOutOfRange() throws IOException {
        ElfFormatException e = failure(patched(b -> b.putShort(62, (short) 900)));
        assertThat(e.problem()).contains("e_shstrndx").contains("900").contains("out of range");
        assertThat(e.offset()).isEqualTo(62);
    }

    @Test
    void sectionNameOffsetOutOfRange() throws IOException {
        ElfFormatException e = failure(patched(b -> b.putInt(shoff(b) + 64, 0x7fff0000)));
        assertThat(e.problem()).contains("name offset").contains("beyond the section name table");
    }

    @Test
    void symbolNameOffsetOutOfRange() throws IOException {
        ElfFormatException e = failure(patched(b -> {
            int symtab = (int) b.getLong(headerOfType(b, Elf.SHT_SYMTAB) + 24);
            b.putInt(symtab + 2 * Elf.SYM_SIZE, 0x00ffffff);
        }));
        assertThat(e.problem()).contains("symbol 2 in .symtab").contains("beyond the string table");
    }

    @Test
    void absurdSectionCount() throws IOException {
        ElfFormatException e = failure(patched(b -> b.putShort(60, (short) 0xfe00)));
        assertThat(e.problem()).contains("section count 65024 does not fit");
        // Extended numbering with an absurd count in section 0's sh_size.
        ElfFormatException x = failure(patched(b -> {
            b.putShort(60, (short) 0);
            b.putLong(shoff(b) + 32, 1L << 40);
        }));
        assertThat(x.problem()).contains("section count 1099511627776 does not fit");
        assertThat(x.offset()).isEqualTo(shoffOfSample() + 32);
    }

    @Test
    void absurdSymbolTableSize() throws IOException {
        ElfFormatException e = failure(patched(b -> b.putLong(headerOfType(b, Elf.SHT_SYMTAB) + 32, Long.MAX_VALUE)));
        assertThat(e.problem()).contains("extend beyond the end of the file");
    }

    @Test
    void badLink() throws IOException {
        ElfFormatException e = failure(patched(b -> b.putInt(headerOfType(b, Elf.SHT_SYMTAB) + 40, 60000)));
        assertThat(e.problem()).contains("sh_link 60000 is not a section index");
        ElfFormatException s = failure(patched(b -> b.putInt(headerOfType(b, Elf.SHT_SYMTAB) + 40, 1)));
        assertThat(s.problem()).contains("symbol table .symtab: sh_link 1 is not a string table");
    }

    @Test
    void relocationSymbolIndexOutOfRange() throws IOException {
        byte[] image = patched(b -> {
            int rela = (int) b.getLong(headerOfType(b, Elf.SHT_RELA) + 24);
            b.putInt(rela + 12, 5000);
        });
        ElfFile elf = ElfFile.read("bad.o", image); // relocations are parsed on first use
        ElfFormatException e = failure(image);
        assertThat(e.problem()).contains("relocation 0 in .rela.text.meminfo_proc_open: symbol index 5000 out of range");
        assertThat(elf.sections()).isNotEmpty();
    }

    @Test
    void symbolSectionIndexOutOfRange() throws IOException {
        ElfFormatException e = failure(patched(b -> {
            int symtab = (int) b.getLong(headerOfType(b, Elf.SHT_SYMTAB) + 24);
            b.putShort(symtab + 3 * Elf.SYM_SIZE + 6, (short) 0x7000);
        }));
        assertThat(e.problem()).contains("symbol 3 in .symtab: section index 28672 does not name a section");
    }

    @Test
    void cliPrintsOneLineAndExits1() throws IOException {
        Path bad = tmp.resolve("corrupt.o");
        Files.write(bad, patched(b -> b.putShort(62, (short) 900)));
        assertCliFailsWithOneLine(bad, "kelp: " + bad + ": section name table index (e_shstrndx) 900 is out of range");
    }

    @Test
    void cliPrintsNoPartialListingWhenRelocationsAreCorrupt() throws IOException {
        Path bad = tmp.resolve("badrel.o");
        Files.write(bad, patched(b -> {
            int rela = (int) b.getLong(headerOfType(b, Elf.SHT_RELA) + 24);
            b.putInt(rela + 12, 5000);
        }));
        assertCliFailsWithOneLine(bad, "kelp: " + bad + ": relocation 0 in .rela.text.meminfo_proc_open");
    }

    private static void assertCliFailsWithOneLine(Path file, String prefix) {
        CliRun r = CliRun.kelp("inspect", file.toString());
        String e = r.err();
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(e).startsWith(prefix).endsWith(")" + System.lineSeparator());
        assertThat(e.lines().count()).isEqualTo(1);
        assertThat(e).matches("(?s)kelp: .*: .* \\(at offset 0x[0-9a-f]+\\)\\R");
    }

    private static int shoffOfSample() throws IOException {
        return shoff(ByteBuffer.wrap(sample()).order(ByteOrder.LITTLE_ENDIAN));
    }
}
