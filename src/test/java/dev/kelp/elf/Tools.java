package dev.kelp.elf;

import dev.kelp.qemu.KernelTarget;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.util.Proc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The external tools the ELF tests check against: readelf, ld (fixtures are compiled by testsupport.Gcc). */
final class Tools {
    private Tools() {
    }

    /** readelf's stdout; fails the test on a non-zero exit or anything on stderr. */
    static String readelf(Path file, String... options) {
        List<String> cmd = new ArrayList<>(List.of("readelf"));
        cmd.addAll(List.of(options));
        cmd.add(file.toString());
        Proc.Result r = Proc.of(cmd).run();
        assertThat(r.exitCode()).as(cmd + ": " + r.stderr()).isZero();
        assertThat(r.stderr()).as(cmd + " stderr").isEmpty();
        return r.stdout();
    }

    static void ldRelocatable(Path obj, Path out) {
        Proc.Result ld = Proc.of("ld", "-r", "-o", out.toString(), obj.toString()).run();
        assertThat(ld.exitCode()).as("ld -r " + obj + ": " + ld.stderr()).isZero();
        assertThat(ld.stderr()).as("ld -r " + obj + " stderr").isEmpty();
    }

    /** Debian's installed kernel modules directory: /lib/modules/RELEASE/kernel of the kernel kelp test boots. */
    static Path kernelModules() {
        Path dir = KernelTarget.resolve(null, null).modulesDir().resolve("kernel");
        assertThat(dir).as("installed kernel module tree").isDirectory();
        return dir;
    }

    /** All module files (.ko, .ko.xz, .ko.gz, .ko.zst) below dir, sorted. */
    static List<Path> modules(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().matches(".*\\.ko(\\.xz|\\.gz|\\.zst)?")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
