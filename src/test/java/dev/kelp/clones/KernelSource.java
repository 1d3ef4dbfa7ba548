package dev.kelp.clones;

import dev.kelp.csource.CScanner;
import dev.kelp.csource.ScannedFile;
import dev.kelp.util.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Real Debian 6.1 source for the tests: a fixed set of files extracted once from the installed
 * linux-source-6.1 tarball into the build directory (decompressing it takes ~30 s, so the
 * extraction is shared by every test class and kept between runs).
 */
final class KernelSource {
    static final List<String> FILES = List.of("fs/proc/cmdline.c", "fs/proc/meminfo.c", "fs/proc/array.c",
            "kernel/sys.c", "kernel/fork.c", "fs/namei.c", "mm/memory.c", "kernel/sched/core.c", "include");
    private static final String TOP = "linux-source-6.1";
    private static Path root;

    private KernelSource() {
    }

    static synchronized Path root() throws IOException {
        if (root != null) {
            return root;
        }
        Path tarball = Path.of("/usr/src/linux-source-6.1.tar.xz");
        if (!Files.isRegularFile(tarball)) {
            throw new IllegalStateException(tarball + " missing: install linux-source-6.1 (scripts/install-deps)");
        }
        Path build = Path.of(System.getProperty("kelp.jar", "target/kelp.jar")).toAbsolutePath().getParent();
        Path dir = build.resolve("test-kernel-src");
        Path done = dir.resolve(".extracted-" + Integer.toHexString(FILES.hashCode()));
        if (!Files.exists(done)) {
            Files.createDirectories(dir);
            List<String> cmd = new ArrayList<>(List.of("tar", "-xJf", tarball.toString(), "-C", dir.toString()));
            FILES.forEach(f -> cmd.add(TOP + "/" + f));
            Proc.of(cmd).timeout(Duration.ofMinutes(5)).check("extracting kernel source for tests");
            Files.writeString(done, String.join("\n", FILES));
        }
        root = dir.resolve(TOP);
        return root;
    }

    static String read(String rel) throws IOException {
        return Files.readString(root().resolve(rel), java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    static ScannedFile scan(String rel) throws IOException {
        return CScanner.scan(rel, read(rel));
    }
}
