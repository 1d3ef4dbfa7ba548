package dev.kelp.qemu;

import dev.kelp.util.Proc;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Kernel modules for the tests, built once per JVM with kbuild against the target kernel's
 * headers: the fixtures under src/test/resources/dev/kelp/qemu/modules, and the kernel's own
 * samples/livepatch/livepatch-sample.c taken from the linux-source tarball (never committed).
 */
public final class TestModules {
    private static final List<String> FIXTURES = List.of("kelp_target", "kelp_target_patch", "kelp_sleeper",
            "kelp_sleeper_patch", "kelp_warn", "kelp_missing_patch", "kelp_hang");
    private static Path dir;

    private TestModules() {}

    /** The built module NAME.ko (a fixture name, or "livepatch-sample"). */
    public static synchronized Path module(String name) {
        if (dir == null) {
            dir = build();
        }
        Path ko = dir.resolve(name + ".ko");
        if (!Files.isRegularFile(ko)) {
            throw new IllegalArgumentException("no test module " + ko);
        }
        return ko;
    }

    /** The release whose headers the modules are built against: the one kelp test boots by default. */
    public static String release() {
        return KernelTarget.resolve(null, null).release();
    }

    private static Path build() {
        try {
            Path d = Files.createTempDirectory("kelp-test-modules-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(d)));
            List<String> objects = new ArrayList<>();
            for (String f : FIXTURES) {
                try (InputStream in = TestModules.class.getResourceAsStream("modules/" + f + ".c")) {
                    Files.copy(in, d.resolve(f + ".c"));
                }
                objects.add(f + ".o");
            }
            Path sample = d.resolve("livepatch-sample.c");
            Proc.Result r = Proc.of("tar", "-xJf", linuxSourceTarball().toString(), "-O", "--wildcards",
                    "*/samples/livepatch/livepatch-sample.c").timeout(Duration.ofMinutes(3))
                    .check("extracting livepatch-sample.c");
            Files.writeString(sample, r.stdout());
            objects.add("livepatch-sample.o");
            Files.writeString(d.resolve("Kbuild"), "obj-m := " + String.join(" ", objects) + "\n");
            Path headers = Path.of("/lib/modules", release(), "build");
            Proc.of("make", "-j2", "-C", headers.toString(), "M=" + d, "modules")
                    .timeout(Duration.ofMinutes(5)).check("building the test modules");
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** /usr/src/linux-source-VERSION.tar.xz of the installed linux-source package. */
    private static Path linuxSourceTarball() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/usr/src"))) {
            return s.filter(p -> p.getFileName().toString().matches("linux-source-.*\\.tar\\.xz"))
                    .max(Path::compareTo)
                    .orElseThrow(() -> new IllegalStateException("no /usr/src/linux-source-*.tar.xz;"
                            + " install linux-source-6.1"));
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // left in /tmp: harmless
        }
    }
}
