package dev.kelp.arch.x86;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every instruction objdump prints in every executable section of the kpatch corpus objects and
 * of a deterministic sample of the installed Debian kernel's modules must decode to the same
 * length (and branch target, RIP-relative displacement, immediate and class) with kelp's decoder.
 */
class X86DecoderObjdumpTest {

    @Test
    void everyCorpusObjectAgreesWithObjdump() throws IOException {
        Path corpus = Path.of(System.getProperty("kelp.corpus"));
        List<Path> objects;
        try (Stream<Path> s = Files.list(corpus)) {
            objects = s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
        }
        assertThat(objects).as("corpus objects in " + corpus).hasSizeGreaterThan(50);
        ObjdumpComparison cmp = new ObjdumpComparison();
        objects.forEach(cmp::compare);
        System.out.println("x86 decoder vs objdump, kpatch corpus: " + cmp.summary());
        assertThat(cmp.examples).as(cmp.summary()).isEmpty();
        assertThat(cmp.instructions).isGreaterThan(100_000);
    }

    @Test
    void debianModulesAgreeWithObjdump() {
        List<Path> modules = DebianModules.sample(50);
        assertThat(modules).extracting(p -> p.getFileName().toString()).contains("xfs.ko", "kvm.ko");
        ObjdumpComparison cmp = new ObjdumpComparison();
        for (Path module : modules) {
            cmp.compare(module);
        }
        System.out.println("x86 decoder vs objdump, " + modules.size() + " Debian modules: " + cmp.summary());
        assertThat(cmp.examples).as(cmp.summary()).isEmpty();
        assertThat(cmp.bytes).isGreaterThan(3_000_000);
        assertThat(cmp.vex).as("VEX-encoded instructions compared").isGreaterThan(1000);
        assertThat(cmp.evex).as("EVEX-encoded instructions compared").isGreaterThan(100);
    }
}
