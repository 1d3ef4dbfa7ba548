package dev.kelp.elf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same object written big-endian: binutils agree on its symbols and relocations. */
class BigEndianTest {
    @TempDir
    Path tmp;

    @Test
    void bigEndianCopyReadsBackIdenticalAndReadelfAgrees() {
        Path input = RoundTripTest.corpus().resolve("this_ip.ORIG.o");
        Path little = tmp.resolve("little.o");
        Path big = tmp.resolve("big.o");
        ElfFile.read(input).write(little);
        ElfFile elf = ElfFile.read(input);
        elf.setByteOrder(ByteOrder.BIG_ENDIAN).write(big);

        assertThat(Tools.readelf(big, "-hW")).containsPattern("Data:\\s+2's complement, big endian");
        ElfFile back = ElfFile.read(big);
        assertThat(back.byteOrder()).isEqualTo(ByteOrder.BIG_ENDIAN);
        ElfAssert.assertSameModel(ElfFile.read(input), back);

        // Same layout, other byte order: readelf decodes the same symbols, sections and relocations.
        assertThat(Tools.readelf(big, "-sW")).isEqualTo(Tools.readelf(little, "-sW"));
        assertThat(Tools.readelf(big, "-SW")).isEqualTo(Tools.readelf(little, "-SW"));
        assertThat(Tools.readelf(big, "-rW")).isEqualTo(Tools.readelf(little, "-rW"));

        // And back to little endian: byte for byte what a plain round trip writes.
        Path again = tmp.resolve("again.o");
        ElfFile.read(big).setByteOrder(ByteOrder.LITTLE_ENDIAN).write(again);
        assertThat(again).hasSameBinaryContentAs(little);
    }
}
