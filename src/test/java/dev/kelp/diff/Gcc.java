package dev.kelp.diff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.util.Proc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Compiles kernel-like C fixtures the way kbuild does for a livepatchable x86-64 kernel. */
final class Gcc {
    static final List<String> KERNEL_FLAGS = List.of("-O2", "-ffunction-sections", "-fdata-sections", "-pg",
            "-mfentry", "-mrecord-mcount", "-fno-pic", "-fno-pie", "-mcmodel=kernel", "-fno-asynchronous-unwind-tables",
            "-fno-stack-protector", "-mno-red-zone", "-mno-sse", "-mno-mmx", "-mno-sse2", "-mno-avx");

    private Gcc() {
    }

    /** Writes {@code name}.c into dir and compiles it to {@code name}.o with the kernel flags (plus extra). */
    static Path compile(Path dir, String name, String source, String... extra) {
        try {
            Files.createDirectories(dir);
            Path c = dir.resolve(name + ".c");
            Files.writeString(c, source);
            Path o = dir.resolve(name + ".o");
            List<String> cmd = new ArrayList<>(List.of("gcc"));
            cmd.addAll(KERNEL_FLAGS);
            cmd.addAll(List.of(extra));
            // relative name, run in dir: __FILE__ and STT_FILE are the same for both builds
            cmd.addAll(List.of("-c", name + ".c", "-o", name + ".o"));
            Proc.Result r = Proc.of(cmd).dir(dir).timeout(Duration.ofSeconds(120)).run();
            assertThat(r.exitCode()).as("gcc " + name + ": " + r.stderr()).isZero();
            return o;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Links objects into one relocatable object (several STT_FILE blocks), as kbuild does for composite units. */
    static Path linkRelocatable(Path dir, String name, Path... objects) {
        Path out = dir.resolve(name + ".o");
        List<String> cmd = new ArrayList<>(List.of("ld", "-r", "-o", out.toString()));
        for (Path p : objects) {
            cmd.add(p.toString());
        }
        Proc.Result r = Proc.of(cmd).timeout(Duration.ofSeconds(60)).run();
        assertThat(r.exitCode()).as("ld -r: " + r.stderr()).isZero();
        return out;
    }
}
