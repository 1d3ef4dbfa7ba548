package dev.kelp.target;

import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Modinfo;
import dev.kelp.util.KelpException;
import dev.kelp.util.KernelReleases;
import dev.kelp.util.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The kernel a livepatch is built for, as installed by Debian's packages: its release, headers,
 * config, exports, vermagic, the compiler that built it and the matching source.
 *
 * @param release       e.g. {@code 6.1.0-56-amd64} (the {@code uname -r} of the target)
 * @param version       the upstream version from the headers' Makefile, e.g. {@code 6.1.192}
 * @param debianVersion the Debian package version, e.g. {@code 6.1.192-2}, when the headers say it
 * @param headersDir    {@code /usr/src/linux-headers-RELEASE}, the kbuild dir modules are linked against
 * @param config        the headers' {@code .config} (Debian's, plus the signing options)
 * @param symvers       the headers' {@code Module.symvers}
 * @param modulesDir    {@code /lib/modules/RELEASE}
 * @param image         {@code /boot/vmlinuz-RELEASE}
 * @param vermagic      the vermagic string every module of this kernel carries
 * @param compiler      the compiler program named by {@code CONFIG_CC_VERSION_TEXT}, e.g. {@code gcc-12}
 * @param source        the source this kernel was built from (a tarball or a directory)
 */
public record Target(
        String release,
        String version,
        Optional<String> debianVersion,
        Path headersDir,
        KernelConfig config,
        Path symvers,
        Path modulesDir,
        Path image,
        String vermagic,
        String compiler,
        Path source) {

    private static final Pattern MAKE_VAR = Pattern.compile("^(VERSION|PATCHLEVEL|SUBLEVEL|EXTRAVERSION)\\s*=\\s*(.*)$");
    private static final Pattern MAKE_INCLUDE = Pattern.compile("^include\\s+(\\S+/Makefile)\\s*$");
    private static final Pattern PACKAGE_ID = Pattern.compile("LINUX_PACKAGE_ID\\s+\" Debian ([^\"]+)\"");

    /**
     * Where Debian installs kernels: the one place that knows the paths of an installed kernel's
     * image, modules, headers and Module.symvers (build, symbols and kelp test ask it). A
     * different root lets tests describe broken installations.
     */
    public record Layout(Path root) {
        public static final Layout SYSTEM = new Layout(Path.of("/"));

        /** {@code /lib/modules}. */
        public Path modules() {
            return root.resolve("lib/modules");
        }

        /** {@code /lib/modules/RELEASE}. */
        public Path modulesDir(String release) {
            return modules().resolve(release);
        }

        /** {@code /usr/src/linux-headers-RELEASE}. */
        public Path headers(String release) {
            return root.resolve("usr/src/linux-headers-" + release);
        }

        /** {@code /usr/src/linux-headers-RELEASE/Module.symvers}. */
        public Path symvers(String release) {
            return headers(release).resolve("Module.symvers");
        }

        /** {@code /boot}. */
        public Path boot() {
            return root.resolve("boot");
        }

        /** {@code /boot/vmlinuz-RELEASE}. */
        public Path image(String release) {
            return boot().resolve("vmlinuz-" + release);
        }

        /** {@code /usr/src}, where linux-source-X.Y.tar.xz is installed. */
        public Path usrSrc() {
            return root.resolve("usr/src");
        }

        /** Releases with an image and a module directory (what kelp test can boot), oldest first. */
        public List<String> bootableReleases() {
            if (!Files.isDirectory(boot())) {
                return List.of();
            }
            try (Stream<Path> s = Files.list(boot())) {
                return s.map(p -> p.getFileName().toString())
                        .filter(n -> n.startsWith("vmlinuz-"))
                        .map(n -> n.substring("vmlinuz-".length()))
                        .filter(r -> Files.isDirectory(modulesDir(r)))
                        .sorted(KernelReleases::compare)
                        .toList();
            } catch (IOException e) {
                throw new KelpException(boot() + ": cannot list installed kernels: " + e.getMessage(), e);
            }
        }

        /** Releases with both headers (.config) and image installed (what kelp build can target), oldest first. */
        public List<String> buildableReleases() {
            List<String> candidates = new ArrayList<>();
            if (Files.isDirectory(modules())) {
                try (Stream<Path> s = Files.list(modules())) {
                    s.map(p -> p.getFileName().toString())
                            .filter(r -> Files.isRegularFile(headers(r).resolve(".config"))
                                    && Files.isRegularFile(image(r)))
                            .forEach(candidates::add);
                } catch (IOException e) {
                    throw new KelpException(modules() + ": cannot list installed kernels: " + e.getMessage(), e);
                }
            }
            candidates.sort(KernelReleases::compare);
            return candidates;
        }
    }

    /**
     * Finds the target: {@code release} when given, else the newest release whose headers and
     * image are both installed. {@code source} is a tarball or a directory; when absent, the
     * {@code linux-source-MAJOR.MINOR.tar.xz} Debian installs in /usr/src.
     */
    public static Target discover(Optional<String> release, Optional<Path> source) {
        return discover(Layout.SYSTEM, release, source);
    }

    public static Target discover(Layout layout, Optional<String> release, Optional<Path> source) {
        String rel = release.orElseGet(() -> newestInstalled(layout));
        Path headers = layout.headers(rel);
        Path image = layout.image(rel);
        if (!Files.isRegularFile(headers.resolve(".config"))) {
            throw new KelpException("kernel " + rel + ": no headers in " + headers
                    + ": install them with 'apt-get install linux-headers-" + rel + "'" + installedHint(layout));
        }
        if (!Files.isRegularFile(image)) {
            throw new KelpException("kernel " + rel + ": no image " + image
                    + ": install it with 'apt-get install linux-image-" + rel + "'" + installedHint(layout));
        }
        KernelConfig config = KernelConfig.read(headers.resolve(".config"));
        Path symvers = layout.symvers(rel);
        if (!Files.isRegularFile(symvers)) {
            throw new KelpException(symvers + ": missing: the headers of " + rel + " are incomplete;"
                    + " reinstall linux-headers-" + rel);
        }
        String version = makefileVersion(headers.resolve("Makefile"));
        Optional<String> debianVersion = debianVersion(headers);
        Path modulesDir = layout.modulesDir(rel);
        String vermagic = vermagic(modulesDir, rel, config);
        String compiler = compilerOf(config, rel);
        if (source.isPresent() && !Files.exists(source.get())) {
            throw new KelpException(source.get() + ": no such file or directory (--source takes a kernel source"
                    + " tarball or directory of Linux " + version + ")");
        }
        Path src = source.orElseGet(() -> defaultSource(layout, version));
        if (!Files.exists(src)) {
            throw new KelpException("kernel source " + src + " not found: install it with 'apt-get install linux-source-"
                    + majorMinor(version) + "', or pass --source DIR|TARBALL");
        }
        return new Target(rel, version, debianVersion, headers, config, symvers, modulesDir, image,
                vermagic, compiler, src);
    }

    /** The version text gcc printed when it built this kernel, e.g. {@code gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0}. */
    public String compilerVersionText() {
        return config.get("CONFIG_CC_VERSION_TEXT").orElse("");
    }

    /**
     * Fails unless the local compiler is the one that built the kernel: objects built by another
     * compiler differ from the kernel's code for reasons that have nothing to do with the patch.
     */
    public void checkCompiler() {
        String wanted = compilerVersionText();
        Proc.Result r;
        try {
            r = Proc.of(compiler, "--version").run();
        } catch (KelpException e) {
            throw new KelpException("kernel " + release + " was built with '" + wanted + "', but " + compiler
                    + " is not installed: install it with 'apt-get install " + compilerPackage()
                    + debianPackageVersion(wanted).map(v -> "=" + v).orElse("") + "'");
        }
        String have = r.stdout().lines().findFirst().orElse("").strip();
        if (!have.equals(wanted)) {
            throw new KelpException("kernel " + release + " was built with '" + wanted + "', but " + compiler
                    + " here is '" + have + "': install the same version ('apt-get install " + compilerPackage()
                    + debianPackageVersion(wanted).map(v -> "=" + v).orElse("") + "')");
        }
    }

    /**
     * Fails when the source tarball belongs to another Debian upload than the kernel image: the
     * ABI number changes with every security upload, and objects built from other source would
     * not match the running code.
     */
    public void checkSourcePackage() {
        if (debianVersion.isEmpty() || !Files.isRegularFile(source)) {
            return;
        }
        Proc.Result owner = Proc.of("dpkg-query", "-S", source.toAbsolutePath().toString()).run();
        if (!owner.ok()) {
            return; // not installed by a package: only the Makefile version can be checked (after unpacking)
        }
        String pkg = owner.stdout().strip().split(":", 2)[0];
        Proc.Result ver = Proc.of("dpkg-query", "-W", "-f=${Version}", pkg).run();
        String have = ver.stdout().strip();
        if (ver.ok() && !have.isEmpty() && !have.equals(debianVersion.get())) {
            throw new KelpException(source + " comes from " + pkg + " " + have + ", but kernel " + release
                    + " is Debian " + debianVersion.get() + ": install the matching source with 'apt-get install "
                    + pkg + "=" + debianVersion.get() + "', or pass --kernel for the release this source belongs to");
        }
    }

    /** Fails unless the unpacked source's top Makefile has this kernel's version. */
    public void checkSourceVersion(Path sourceDir) {
        String have = makefileVersion(sourceDir.resolve("Makefile"));
        if (!have.equals(version)) {
            throw new KelpException("source " + source + " is Linux " + have + ", but kernel " + release + " is Linux "
                    + version + ": use the source of the same version (Debian: 'apt-get install linux-source-"
                    + majorMinor(version) + debianVersion.map(v -> "=" + v).orElse("") + "')");
        }
    }

    String compilerPackage() {
        return compiler;
    }

    static Optional<String> debianPackageVersion(String ccVersionText) {
        Matcher m = Pattern.compile("\\(Debian ([^)]+)\\)").matcher(ccVersionText);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    static String majorMinor(String version) {
        String[] p = version.split("\\.");
        return p.length >= 2 ? p[0] + "." + p[1] : version;
    }

    private static Path defaultSource(Layout layout, String version) {
        return layout.usrSrc().resolve("linux-source-" + majorMinor(version) + ".tar.xz");
    }

    private static String newestInstalled(Layout layout) {
        return layout.buildableReleases().stream().max(KernelReleases::compare).orElseThrow(() -> new KelpException(
                "no kernel with both linux-image-RELEASE and linux-headers-RELEASE installed: install them"
                        + " (Debian: 'apt-get install linux-image-amd64 linux-headers-amd64'), or pass --kernel RELEASE"));
    }

    /** For a --kernel that is not installed (often a typo): the releases that could be targets. */
    private static String installedHint(Layout layout) {
        List<String> all = layout.buildableReleases();
        return all.isEmpty() ? "" : "; or target an installed one: --kernel " + String.join(", ", all);
    }

    /** VERSION.PATCHLEVEL.SUBLEVEL(EXTRAVERSION) of a kernel Makefile, following Debian's include chain. */
    public static String makefileVersion(Path makefile) {
        String[] parts = new String[4];
        Path current = makefile;
        for (int depth = 0; depth < 3 && current != null; depth++) {
            List<String> lines;
            try {
                lines = Files.readAllLines(current);
            } catch (IOException e) {
                throw new KelpException(current + ": cannot read the kernel Makefile: " + e.getMessage(), e);
            }
            Path next = null;
            for (String line : lines) {
                Matcher v = MAKE_VAR.matcher(line);
                if (v.matches()) {
                    int i = List.of("VERSION", "PATCHLEVEL", "SUBLEVEL", "EXTRAVERSION").indexOf(v.group(1));
                    if (parts[i] == null) {
                        parts[i] = v.group(2).strip();
                    }
                }
                Matcher inc = MAKE_INCLUDE.matcher(line);
                if (inc.matches() && next == null) {
                    next = Path.of(inc.group(1));
                }
            }
            if (parts[0] != null) {
                break;
            }
            current = next;
        }
        if (parts[0] == null || parts[1] == null || parts[2] == null) {
            throw new KelpException(makefile + ": no VERSION/PATCHLEVEL/SUBLEVEL: not a kernel Makefile");
        }
        return parts[0] + "." + parts[1] + "." + parts[2] + (parts[3] == null ? "" : parts[3]);
    }

    private static Optional<String> debianVersion(Path headers) {
        Path pkg = headers.resolve("include/generated/package.h");
        if (!Files.isRegularFile(pkg)) {
            return Optional.empty();
        }
        try {
            Matcher m = PACKAGE_ID.matcher(Files.readString(pkg));
            return m.find() ? Optional.of(m.group(1).strip()) : Optional.empty();
        } catch (IOException e) {
            throw new KelpException(pkg + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static String compilerOf(KernelConfig config, String release) {
        String text = config.get("CONFIG_CC_VERSION_TEXT").orElseThrow(() -> new KelpException(
                config.file() + ": no CONFIG_CC_VERSION_TEXT: cannot tell which compiler built kernel " + release));
        String program = text.split("\\s+", 2)[0];
        if (!program.matches("[A-Za-z0-9._+-]+")) {
            throw new KelpException(config.file() + ": CONFIG_CC_VERSION_TEXT '" + text + "' does not start with a compiler name");
        }
        return program;
    }

    /**
     * The vermagic of an installed module of this kernel (the loader compares it with the
     * patch module's); when no module is installed, the string kbuild derives from the config.
     */
    private static String vermagic(Path modulesDir, String release, KernelConfig config) {
        Optional<Path> module = anyModule(modulesDir.resolve("kernel"));
        if (module.isPresent()) {
            Optional<String> v = Modinfo.of(ElfFile.read(module.get())).flatMap(m -> m.value("vermagic"))
                    .map(String::strip).filter(x -> !x.isEmpty());
            if (v.isPresent()) {
                return v.get();
            }
        }
        return vermagicFromConfig(release, config);
    }

    /** include/linux/vermagic.h: UTS_RELEASE then the SMP/preempt/unload/modversions flags (x86, 6.1). */
    static String vermagicFromConfig(String release, KernelConfig config) {
        StringBuilder sb = new StringBuilder(release);
        if (config.isSet("CONFIG_SMP")) {
            sb.append(" SMP");
        }
        if (config.isSet("CONFIG_PREEMPT_BUILD")) {
            sb.append(" preempt");
        } else if (config.isSet("CONFIG_PREEMPT_RT")) {
            sb.append(" preempt_rt");
        }
        if (config.isSet("CONFIG_MODULE_UNLOAD")) {
            sb.append(" mod_unload");
        }
        if (config.isSet("CONFIG_MODVERSIONS")) {
            sb.append(" modversions");
        }
        return sb.toString();
    }

    private static Optional<Path> anyModule(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.walk(dir, 4)) {
            return s.filter(p -> p.getFileName().toString().matches(".*\\.ko(\\.xz|\\.zst|\\.gz)?"))
                    .min(Comparator.naturalOrder());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
