package dev.kelp.klp;

import dev.kelp.target.Target;
import dev.kelp.symbols.KernelSymbols;
import dev.kelp.util.Proc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The livepatch modules of src/test/resources/klp-convert, built with kbuild against the
 * installed Debian headers (as a livepatch author would, with KBUILD_MODPOST_WARN=1), and the
 * symbol database of the installed kernel. Both are built once per test JVM.
 */
final class TestModules {
    private static final Path SOURCES = Path.of("src/test/resources/klp-convert");
    private static final Map<String, Path> BUILT = new HashMap<>();
    private static Path workDir;
    private static KernelSymbols db;
    private static String release;

    private TestModules() {}

    /** The installed kernel release that has headers and an image (the newest if several), as kelp build finds it. */
    static synchronized String release() {
        if (release == null) {
            release = Target.discover(Optional.empty(), Optional.empty()).release();
        }
        return release;
    }

    /** The installed kernel's symbols: vmlinuz kallsyms, all modules, the headers' Module.symvers. */
    static synchronized KernelSymbols database() {
        if (db == null) {
            db = dev.kelp.build.TargetSymbols.of(release()); // the JVM's one copy: loading takes 5-8 s
        }
        return db;
    }

    static DatabaseOracle oracle() {
        return new DatabaseOracle(database());
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }

    /** Builds the module in directory {@code dir} of the test sources; returns the linked .ko. */
    static synchronized Path build(String dir) {
        Path ko = BUILT.get(dir);
        if (ko != null) {
            return ko;
        }
        try {
            if (workDir == null) {
                workDir = Files.createTempDirectory("kelp-klp-modules-");
                Path dirToDelete = workDir;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dirToDelete)));
                Files.copy(SOURCES.resolve("common.h"), workDir.resolve("common.h"));
            }
            Path src = SOURCES.resolve(dir);
            Path out = workDir.resolve(dir);
            Files.createDirectories(out);
            try (Stream<Path> files = Files.list(src)) {
                for (Path f : files.toList()) {
                    Files.copy(f, out.resolve(f.getFileName()));
                }
            }
            Proc.of("make", "-s", "-C", "/usr/src/linux-headers-" + release(), "M=" + out,
                    "KELP_INCLUDE=" + KelpHeaders.includeDir(), "KBUILD_MODPOST_WARN=1", "modules")
                    .timeout(Duration.ofMinutes(5)).check("building test module " + dir);
            try (Stream<Path> files = Files.list(out)) {
                List<Path> kos = files.filter(p -> p.toString().endsWith(".ko")).toList();
                if (kos.size() != 1) {
                    throw new IllegalStateException(dir + ": expected one .ko, got " + kos);
                }
                ko = kos.get(0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BUILT.put(dir, ko);
        return ko;
    }
}
