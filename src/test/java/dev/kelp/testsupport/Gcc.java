package dev.kelp.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.util.Proc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The one helper that compiles test fixtures: real objects and programs built by the installed
 * gcc-12 (the compiler of Debian 12's kernels), run inside the fixture's directory with relative
 * names so that {@code __FILE__} and STT_FILE are the same for an original and a patched build.
 * A failed compilation fails the test with gcc's own message.
 */
public final class Gcc {
    private Gcc() {
    }

    /** The compiler Debian 12 built its kernels with. */
    public static final String COMPILER = "gcc-12";

    /** The code-generation flags kbuild uses for a livepatchable x86-64 kernel. */
    public static final List<String> KERNEL_FLAGS = List.of("-O2", "-ffunction-sections", "-fdata-sections", "-pg",
            "-mfentry", "-mrecord-mcount", "-fno-pic", "-fno-pie", "-mcmodel=kernel", "-fno-asynchronous-unwind-tables",
            "-fno-stack-protector", "-mno-red-zone", "-mno-sse", "-mno-mmx", "-mno-sse2", "-mno-avx");

    /** Writes {@code name}.c into dir and compiles it to {@code name}.o there with these flags. */
    public static Path compile(Path dir, String name, String source, String... flags) {
        write(dir.resolve(name + ".c"), source);
        List<String> args = new ArrayList<>(List.of(flags));
        args.addAll(List.of("-c", name + ".c", "-o", name + ".o"));
        run(dir, args);
        return dir.resolve(name + ".o");
    }

    /** {@link #compile} with {@link #KERNEL_FLAGS} first. */
    public static Path compileKernelStyle(Path dir, String name, String source, String... extra) {
        List<String> flags = new ArrayList<>(KERNEL_FLAGS);
        flags.addAll(List.of(extra));
        return compile(dir, name, source, flags.toArray(String[]::new));
    }

    /** Links one program from one unit per source ({@code a.c}, {@code b.c}, … in this order). */
    public static Path linkProgram(Path dir, String name, List<String> sources, String... flags) {
        List<String> args = new ArrayList<>(List.of(flags));
        args.addAll(List.of("-o", name));
        for (int i = 0; i < sources.size(); i++) {
            String file = (char) ('a' + i) + ".c";
            write(dir.resolve(file), sources.get(i));
            args.add(file);
        }
        run(dir, args);
        return dir.resolve(name);
    }

    /** Links objects into one relocatable object (several STT_FILE blocks), as kbuild does for composite units. */
    public static Path linkRelocatable(Path dir, String name, Path... objects) {
        Path out = dir.resolve(name + ".o");
        List<String> cmd = new ArrayList<>(List.of("ld", "-r", "-o", out.toString()));
        for (Path p : objects) {
            cmd.add(p.toString());
        }
        Proc.Result r = Proc.of(cmd).timeout(Duration.ofSeconds(60)).run();
        assertThat(r.exitCode()).as("ld -r: " + r.stderr()).isZero();
        return out;
    }

    /** Runs gcc-12 with these arguments in dir; fails the test when it fails. */
    public static void run(Path dir, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(COMPILER));
        cmd.addAll(args);
        Proc.Result r = Proc.of(cmd).dir(dir).timeout(Duration.ofMinutes(10)).run();
        assertThat(r.exitCode()).as(cmd + " in " + dir + ": " + r.stderr()).isZero();
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
