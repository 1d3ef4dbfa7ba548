package dev.kelp.elf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.util.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** read → write → read preserves the model, and binutils accept what we write. */
class RoundTripTest {
    @TempDir
    Path tmp;

    static Path corpus() {
        return Paths.get(System.getProperty("kelp.corpus", "../shared/corpus/kpatch-unit-x86_64"));
    }

    static Stream<Path> corpusObjects() throws IOException {
        try (Stream<Path> s = Files.list(corpus())) {
            List<Path> l = s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
            assertThat(l).as("corpus objects in " + corpus()).hasSizeGreaterThan(50);
            return l.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpusObjects")
    void corpusObjectRoundTrips(Path input) {
        Path out = tmp.resolve(input.getFileName());
        assertRoundTrip(input, out);
        assertBinutilsAccept(out, tmp);
    }

    /** Reads input, writes it to out, reads out again and compares the models. */
    static ElfFile assertRoundTrip(Path input, Path out) {
        ElfFile original = ElfFile.read(input);
        ElfFile copy = ElfFile.read(input);
        copy.write(out);
        ElfFile back = ElfFile.read(out);
        ElfAssert.assertSameModel(original, back);
        return back;
    }

    /** readelf -a prints nothing on stderr, objdump -dr succeeds, ld -r links the object. */
    static void assertBinutilsAccept(Path obj, Path workDir) {
        Proc.Result readelf = Proc.of("readelf", "-a", "-W", obj.toString()).run();
        assertThat(readelf.exitCode()).as("readelf -a " + obj + ": " + readelf.stderr()).isZero();
        assertThat(readelf.stderr()).as("readelf -a " + obj + " stderr").isEmpty();
        Proc.Result objdump = Proc.of("objdump", "-dr", obj.toString()).run();
        assertThat(objdump.exitCode()).as("objdump -dr " + obj + ": " + objdump.stderr()).isZero();
        assertThat(objdump.stderr()).as("objdump -dr " + obj + " stderr").isEmpty();
        Path linked = workDir.resolve(obj.getFileName() + ".ld.o");
        Proc.Result ld = Proc.of("ld", "-r", "-o", linked.toString(), obj.toString()).run();
        assertThat(ld.exitCode()).as("ld -r " + obj + ": " + ld.stderr()).isZero();
    }
}
