package dev.kelp.elf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Mutated real objects (byte changes aimed at the ELF structures, and truncations): reading and
 * inspecting either works or fails with ElfFormatException, never with anything else.
 */
class MutationPropertyTest {
    private static final List<byte[]> OBJECTS = load();

    private static List<byte[]> load() {
        try (Stream<Path> s = Files.list(RoundTripTest.corpus())) {
            List<byte[]> out = new ArrayList<>();
            for (Path p : s.filter(x -> x.toString().endsWith(".o")).sorted().toList()) {
                out.add(Files.readAllBytes(p));
            }
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Property(tries = 300)
    void mutatedObjectsReadOrFailWithElfFormatException(@ForAll @IntRange(min = 0, max = 1000) int fileChoice,
            @ForAll @IntRange(min = 1, max = 12) int mutations, @ForAll long seed) {
        byte[] original = OBJECTS.get(fileChoice % OBJECTS.size());
        byte[] image = mutate(original, mutations, new Random(seed));
        String outcome;
        try {
            InspectAll.touch(ElfFile.read("mutated.o", image));
            outcome = "read";
        } catch (ElfFormatException e) {
            assertThat(e.getMessage()).startsWith("mutated.o: ").contains("(at offset 0x");
            outcome = "rejected";
        }
        Statistics.collect(outcome);
        // Both outcomes must be common, else the mutations do not probe the reader's checks.
        Statistics.coverage(c -> {
            c.check("rejected").percentage(p -> p > 20);
            c.check("read").percentage(p -> p > 5);
        });
    }

    /** Changes bytes mostly where they matter: headers, section headers, symbols, relocations. */
    static byte[] mutate(byte[] original, int mutations, Random r) {
        ByteBuffer in = ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN);
        List<int[]> regions = regions(in);
        byte[] b = original.clone();
        for (int m = 0; m < mutations; m++) {
            int[] region = regions.get(r.nextInt(regions.size()));
            int at = region[0] + r.nextInt(Math.max(1, region[1]));
            if (at >= b.length) {
                continue;
            }
            switch (r.nextInt(4)) {
                case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[at] = (byte) r.nextInt(256);
                case 2 -> b[at] = (byte) 0xff;
                default -> {
                    for (int k = 0; k < 4 && at + k < b.length; k++) {
                        b[at + k] = (byte) r.nextInt(256);
                    }
                }
            }
        }
        if (r.nextInt(5) == 0) {
            b = Arrays.copyOf(b, r.nextInt(b.length + 1));
        }
        return b;
    }

    /** [start, length] ranges: ELF header, section header table, then each structured section. */
    private static List<int[]> regions(ByteBuffer b) {
        List<int[]> out = new ArrayList<>();
        out.add(new int[] {0, 64});
        int shoff = (int) b.getLong(40);
        int shnum = b.getShort(60) & 0xffff;
        out.add(new int[] {shoff, shnum * 64});
        for (int i = 1; i < shnum; i++) {
            int h = shoff + i * 64;
            int type = b.getInt(h + 4);
            if (type == Elf.SHT_SYMTAB || type == Elf.SHT_RELA || type == Elf.SHT_GROUP || type == Elf.SHT_STRTAB) {
                out.add(new int[] {(int) b.getLong(h + 24), (int) Math.min(b.getLong(h + 32), 4096)});
            }
        }
        out.add(new int[] {0, b.capacity()});
        return out;
    }
}
