package dev.kelp.tree;

import dev.kelp.module.KpatchCompat;
import dev.kelp.target.KernelConfig;
import dev.kelp.target.Target;
import dev.kelp.util.KelpException;
import dev.kelp.util.Proc;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The kernel build cache (default {@code ~/.cache/kelp}, or {@code $KELP_CACHE}): the target's
 * source unpacked once, configured and prepared once, and reused by every run.
 *
 * <p>Layout: {@code trees/SRCKEY/linux} is the pristine source (unpacked to a temporary directory
 * and renamed into place, so a half-unpacked tree is never seen). Its build dir
 * {@code linux/.kelp-o-BUILDKEY} is a direct child of the source, which makes kbuild use the
 * relative {@code srctree := ..}; every per-run patched tree has the same shape, so command lines
 * (which kbuild records in {@code .cmd} files) are identical across trees and a copied build dir
 * stays up to date. {@code trees/SRCKEY/prep-BUILDKEY} is the build dir right after
 * {@code modules_prepare}, the starting point of each run's patched build dir.
 *
 * <p>Keys: SRCKEY is the SHA-256 of the tarball's content (memoised by path, size and mtime, so
 * a warm run does not read 130 MB again) or, for a source directory, of every file's path, size
 * and mtime. BUILDKEY adds the config's content, the release, the compiler's version text and
 * the compiler flags: anything that changes the objects.
 */
public final class TreeCache {
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path root;
    private final Consumer<String> log;
    private final String pahole;

    public TreeCache(Path root, Consumer<String> log) {
        this(root, log, "pahole");
    }

    /** {@code pahole}: the program configuring a BTF kernel needs (a test names one that does not exist). */
    TreeCache(Path root, Consumer<String> log, String pahole) {
        this.root = root.toAbsolutePath().normalize();
        this.log = log;
        this.pahole = pahole;
    }

    /** {@code $KELP_CACHE}, else {@code $XDG_CACHE_HOME/kelp}, else {@code ~/.cache/kelp}. */
    public static Path defaultRoot() {
        String env = System.getenv("KELP_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "kelp");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "kelp");
    }

    public Path root() {
        return root;
    }

    /**
     * Returns the prepared tree for {@code target}, unpacking and preparing it when the cache has
     * none: checks the compiler and the source version, runs {@code olddefconfig} (which must
     * leave Debian's config unchanged) and {@code modules_prepare}, and installs the headers'
     * {@code Module.symvers}.
     */
    public PreparedTree prepare(Target target, boolean verbose) {
        target.checkCompiler();
        target.checkSourcePackage();
        if (Files.isDirectory(target.source())) {
            // before copying a whole tree into the cache: is it a kernel source, and this kernel's version?
            if (!Files.isRegularFile(target.source().resolve("Makefile"))) {
                throw new KelpException(target.source() + ": not a kernel source directory (no Makefile at its top);"
                        + " pass the top directory of the source, or the source tarball");
            }
            target.checkSourceVersion(target.source());
        }
        String srcKey = sourceKey(target.source());
        Path entry = root.resolve("trees").resolve(srcKey);
        Path src = entry.resolve("linux");
        String buildKey = buildKey(srcKey, target);
        if (!Files.exists(entry.resolve("ready-" + buildKey))) {
            // only olddefconfig needs pahole: a warm cache builds without it; asked before minutes of unpacking
            checkPahole(target);
        }
        withLock(root.resolve("trees").resolve(srcKey + ".lock"), () -> {
            if (!Files.isDirectory(src)) {
                materialize(target.source(), entry, src, verbose);
            }
            return null;
        });
        target.checkSourceVersion(src);
        Path compat = entry.resolve("include-" + buildKey);
        KpatchCompat.install(compat);
        Kbuild kbuild = new Kbuild(target, compat, verbose);
        PreparedTree tree = new PreparedTree(target, kbuild, entry, src, src.resolve(".kelp-o-" + buildKey),
                entry.resolve("prep-" + buildKey), buildKey, this);
        tree.locked(() -> {
            if (!Files.exists(entry.resolve("ready-" + buildKey))) {
                configureAndPrepare(tree);
            }
            return null;
        });
        return tree;
    }

    private void configureAndPrepare(PreparedTree tree) {
        Target target = tree.target();
        long t0 = System.nanoTime();
        deleteTree(tree.objDir());
        deleteTree(tree.prepDir());
        try {
            Files.createDirectories(tree.objDir());
            Files.copy(target.config().file(), tree.objDir().resolve(".config"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tree.kbuild().make(tree.srcDir(), tree.objDir(), 1, List.of("olddefconfig"))
                .check("configuring " + target.release() + " in " + tree.objDir());
        KernelConfig result = KernelConfig.read(tree.objDir().resolve(".config"));
        var changed = KernelConfig.differences(target.config(), result);
        if (!changed.isEmpty()) {
            throw new KelpException("make olddefconfig changed the config of " + target.release() + " ("
                    + String.join(", ", changed.stream().limit(8).toList()) + (changed.size() > 8 ? ", …" : "")
                    + "): the local toolchain differs from the one that built the kernel"
                    + " (install dwarves for PAHOLE_* options, and " + target.compiler() + ")");
        }
        tree.kbuild().make(tree.srcDir(), tree.objDir(), jobs(), List.of("modules_prepare"))
                .check("preparing " + target.release() + " in " + tree.objDir());
        try {
            // Modules linked against this tree need the kernel's CRCs (debian-e2e.md pitfall 5).
            Files.copy(target.symvers(), tree.objDir().resolve("Module.symvers"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path tmp = tree.root().resolve(tree.prepDir().getFileName() + ".tmp");
        deleteTree(tmp);
        Proc.of("cp", "-a", tree.objDir().toString(), tmp.toString()).check("snapshotting " + tree.objDir());
        move(tmp, tree.prepDir());
        write(tree.root().resolve("ready-" + tree.buildKey()), "prepared in " + (System.nanoTime() - t0) / 1_000_000 + " ms\n");
    }

    private void checkPahole(Target target) {
        if (!target.config().isSet("CONFIG_DEBUG_INFO_BTF")) {
            return;
        }
        try {
            Proc.of(pahole, "--version").run();
        } catch (KelpException e) {
            throw new KelpException("kernel " + target.release() + " has CONFIG_DEBUG_INFO_BTF=y, and without pahole"
                    + " 'make olddefconfig' drops its PAHOLE_* options: install it with 'apt-get install dwarves'");
        }
    }

    static int jobs() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    private void materialize(Path source, Path entry, Path src, boolean verbose) {
        long t0 = System.nanoTime();
        Path tmp = entry.resolve("unpack-" + ProcessHandle.current().pid());
        deleteTree(tmp);
        try {
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (Files.isDirectory(source)) {
            if (Files.exists(source.resolve(".config")) || Files.exists(source.resolve("include/config"))) {
                throw new KelpException(source + " has been configured or built in place (it has a .config):"
                        + " kelp needs a clean source; pass the source tarball or run 'make mrproper' in a copy");
            }
            Path dest = tmp.resolve("linux");
            Proc.of("cp", "-a", source.toAbsolutePath() + "/.", dest.toString()).verbose(verbose).timeout(Duration.ofMinutes(30))
                    .check("copying the source " + source);
        } else {
            log.accept("unpacking " + source + " into " + entry);
            Proc.Result r = Proc.of("tar", "-xf", source.toAbsolutePath().toString(), "-C", tmp.toString()).verbose(verbose)
                    .timeout(Duration.ofMinutes(30)).run();
            if (!r.ok()) {
                deleteTree(tmp);
                throw new KelpException(source + ": cannot unpack it (" + tarReason(r) + "): pass a kernel source tarball"
                        + " (Debian's /usr/src/linux-source-*.tar.xz) or source directory");
            }
        }
        Path top = singleChild(tmp, source);
        move(top, src);
        deleteTree(tmp);
        log.accept("unpacked " + source + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }

    /** tar's first complaint (its later lines only say that it gave up). */
    private static String tarReason(Proc.Result r) {
        if (r.timedOut()) {
            return "tar did not finish within 30 min";
        }
        return r.stderr().lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst()
                .orElse("tar exited with " + r.exitCode());
    }

    private static Path singleChild(Path dir, Path source) {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> children = s.toList();
            if (children.size() != 1 || !Files.isDirectory(children.get(0))
                    || !Files.isRegularFile(children.get(0).resolve("Makefile"))) {
                throw new KelpException(source + ": expected one top directory holding a kernel Makefile,"
                        + " found " + children.stream().map(p -> p.getFileName().toString()).toList());
            }
            return children.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The content key of a source tarball (memoised) or directory. */
    String sourceKey(Path source) {
        try {
            if (Files.isDirectory(source)) {
                return "d" + directoryKey(source.toRealPath());
            }
            Path real = source.toRealPath();
            BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
            String memoName = sha256(real + "\0" + a.size() + "\0" + a.lastModifiedTime().toMillis()).substring(0, 24);
            Path memo = root.resolve("hashes").resolve(memoName);
            if (Files.isRegularFile(memo)) {
                return Files.readString(memo).strip();
            }
            String key = "t" + fileSha256(real).substring(0, 20);
            write(memo, key + "\n");
            return key;
        } catch (IOException e) {
            throw new KelpException(source + ": cannot read the kernel source: " + e.getMessage(), e);
        }
    }

    private static String directoryKey(Path dir) throws IOException {
        MessageDigest md = digest();
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> files = new ArrayList<>(s.filter(Files::isRegularFile).toList());
            files.sort(null);
            for (Path f : files) {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                md.update((dir.relativize(f) + "\0" + a.size() + "\0" + a.lastModifiedTime().toMillis() + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
        }
        return HexFormat.of().formatHex(md.digest()).substring(0, 20);
    }

    static String buildKey(String srcKey, Target target) {
        try {
            String text = srcKey + "\0" + target.release() + "\0" + target.compilerVersionText() + "\0" + Kbuild.KCFLAGS + " -I(compat)"
                    + "\0" + Files.readString(target.config().file());
            return sha256(text).substring(0, 16);
        } catch (IOException e) {
            throw new KelpException(target.config().file() + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Runs {@code action} holding an exclusive lock on {@code lockFile}, across processes and threads. */
    public <T> T withLock(Path lockFile, Supplier<T> action) {
        ReentrantLock jvm = JVM_LOCKS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), k -> new ReentrantLock());
        jvm.lock();
        try {
            if (jvm.getHoldCount() > 1) {
                return action.get();
            }
            Files.createDirectories(lockFile.getParent());
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = tryLockOrWait(ch, lockFile)) {
                return action.get();
            }
        } catch (IOException e) {
            throw new KelpException(lockFile + ": cannot lock the build cache: " + e.getMessage(), e);
        } finally {
            jvm.unlock();
        }
    }

    private FileLock tryLockOrWait(FileChannel ch, Path lockFile) throws IOException {
        FileLock lock = ch.tryLock();
        if (lock == null) {
            log.accept("waiting for another kelp run using " + lockFile.getParent());
            lock = ch.lock();
        }
        return lock;
    }

    static String sha256(String text) {
        return HexFormat.of().formatHex(digest().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String fileSha256(Path file) throws IOException {
        MessageDigest md = digest();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp" + ProcessHandle.current().pid());
            Files.writeString(tmp, text);
            move(tmp, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void move(Path from, Path to) {
        try {
            try {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(from, to);
            }
        } catch (IOException e) {
            throw new KelpException("cannot move " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }

    /** Deletes a directory tree (rm -rf: faster than a Java walk on a kernel tree). */
    static void deleteTree(Path dir) {
        if (Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Proc.of("rm", "-rf", "--", dir.toString()).check("removing " + dir);
        }
    }

    static Optional<String> readIfExists(Path file) {
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
