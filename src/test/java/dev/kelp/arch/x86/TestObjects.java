package dev.kelp.arch.x86;

import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Relocation;
import dev.kelp.elf.RelocationSection;
import dev.kelp.elf.Section;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The real objects the arch tests run on: every corpus object and the Debian module sample. */
final class TestObjects {
    private TestObjects() {
    }

    static List<Path> corpus() {
        Path dir = Path.of(System.getProperty("kelp.corpus"));
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("kpatch corpus missing at " + dir, e);
        }
    }

    static List<Path> corpusAndModules(int modules) {
        List<Path> all = new ArrayList<>(corpus());
        all.addAll(DebianModules.sample(modules));
        return all;
    }

    /** All relocations that apply to {@code target}. */
    static List<Relocation> relocs(ElfFile elf, Section target) {
        List<Relocation> out = new ArrayList<>();
        for (RelocationSection rs : elf.relocationsFor(target)) {
            out.addAll(rs.relocations());
        }
        return out;
    }
}
