package dev.kelp.module;

import java.util.Optional;
import dev.kelp.target.Target;
import dev.kelp.util.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The installed Debian kernel's headers, found the way a user's machine has them. */
final class TestKernel {
    private static KernelHeaders headers;

    private TestKernel() {
    }

    static synchronized KernelHeaders headers() {
        if (headers == null) {
            // the installed kernel kelp build targets by default (the newest with headers and image)
            String release = Target.discover(Optional.empty(), Optional.empty()).release();
            String vermagic = Proc.of("modinfo", "-F", "vermagic", "-k", release, "xfs").check("modinfo").stdout().strip();
            Path dir = Path.of("/usr/src/linux-headers-" + release);
            headers = new KernelHeaders(dir, "gcc-12", vermagic, dir.resolve("Module.symvers"));
        }
        return headers;
    }

    /**
     * Compiles {@code source} as an external module object with the kernel's own flags (the way a
     * patch object is compiled) and returns the object; {@code extraCflags} go to ccflags-y.
     */
    static Path compileObject(Path dir, String name, String source, String extraCflags) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(name + ".c"), source);
        Files.writeString(dir.resolve("Kbuild"), "obj-m := " + name + ".o\nccflags-y += " + extraCflags + "\n");
        Proc.of("make", "-C", headers().dir().toString(), "M=" + dir, "CC=gcc-12", name + ".o")
                .check("compiling " + name);
        return dir.resolve(name + ".o");
    }
}
