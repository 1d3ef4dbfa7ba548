package dev.kelp.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelp.target.Target;
import dev.kelp.util.KelpException;
import dev.kelp.util.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --source} that is not this kernel's source: refused in one line, before anything is
 * copied into the cache, and without leaving a half-unpacked entry behind.
 */
class TreeCacheSourceTest {
    @TempDir
    Path dir;

    private KelpException prepareFails(Path source) {
        Target target = Target.discover(Optional.empty(), Optional.of(source));
        TreeCache cache = new TreeCache(dir.resolve("cache"), s -> { });
        try {
            cache.prepare(target, false);
        } catch (KelpException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
            assertThat(e.exitCode()).isEqualTo(KelpException.ERROR);
            return e;
        }
        throw new AssertionError("prepare accepted " + source);
    }

    private Path makefileTree(String version, String patchlevel) throws Exception {
        Path top = Files.createDirectories(dir.resolve("linux-" + version + "." + patchlevel));
        Files.writeString(top.resolve("Makefile"),
                "VERSION = " + version + "\nPATCHLEVEL = " + patchlevel + "\nSUBLEVEL = 0\nEXTRAVERSION =\n");
        Files.writeString(top.resolve("README"), "a kernel tree of another version\n");
        return top;
    }

    private long cacheEntries() throws Exception {
        Path trees = dir.resolve("cache/trees");
        if (!Files.isDirectory(trees)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(trees)) {
            return s.filter(Files::isDirectory).count();
        }
    }

    @Test
    void aSourceDirectoryOfAnotherVersionIsRefusedBeforeItIsCopied() throws Exception {
        Path other = makefileTree("5", "10");
        KelpException e = prepareFails(other);
        assertThat(e).hasMessageContaining(other + " is Linux 5.10.0, but kernel ")
                .hasMessageContaining("use the source of the same version");
        assertThat(cacheEntries()).isZero();
    }

    @Test
    void aDirectoryWithoutAKernelMakefileIsNotASource() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThat(prepareFails(empty)).hasMessage(empty + ": not a kernel source directory (no Makefile at its top);"
                + " pass the top directory of the source, or the source tarball");
        assertThat(cacheEntries()).isZero();
    }

    @Test
    void aCorruptTarballIsOneLineWithTarsReasonAndLeavesNoTemporary() throws Exception {
        Path corrupt = Files.writeString(dir.resolve("linux-source-6.1.tar.xz"), "not an archive\n");
        assertThat(prepareFails(corrupt)).hasMessageStartingWith(corrupt + ": cannot unpack it (tar: ")
                .hasMessageEndingWith("pass a kernel source tarball (Debian's /usr/src/linux-source-*.tar.xz) or source directory");
        try (Stream<Path> s = Files.walk(dir.resolve("cache/trees"))) {
            assertThat(s.filter(p -> p.getFileName().toString().startsWith("unpack-")).toList()).isEmpty();
        }
    }

    @Test
    void verboseShowsTheUnpackCommand() throws Exception {
        Path other = makefileTree("5", "10");
        Path tarball = dir.resolve("linux-5.10.tar.xz");
        Proc.of("tar", "-cJf", tarball.toString(), "-C", dir.toString(), other.getFileName().toString()).check("packing");
        Target target = Target.discover(Optional.empty(), Optional.of(tarball));
        java.io.PrintStream old = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        try {
            System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            assertThatThrownBy(() -> new TreeCache(dir.resolve("cache"), s -> { }).prepare(target, true))
                    .hasMessageContaining("is Linux 5.10.0");
        } finally {
            System.setErr(old);
        }
        assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("+ tar -xf " + tarball.toAbsolutePath() + " -C ");
    }

    @Test
    void aTarballOfAnotherVersionIsRefusedAfterUnpacking() throws Exception {
        Path other = makefileTree("5", "10");
        Path tarball = dir.resolve("linux-5.10.tar.xz");
        Proc.of("tar", "-cJf", tarball.toString(), "-C", dir.toString(), other.getFileName().toString()).check("packing");
        assertThat(prepareFails(tarball)).hasMessageContaining(tarball + " is Linux 5.10.0, but kernel ");
    }
}
