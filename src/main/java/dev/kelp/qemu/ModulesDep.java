package dev.kelp.qemu;

import dev.kelp.util.KelpException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The target kernel's module index, {@code /lib/modules/RELEASE/modules.dep}: for each module
 * its path (relative to that directory) and the paths of the modules it needs. depmod lists the
 * whole dependency closure on each line, the module to load first last.
 */
final class ModulesDep {
    private final Path dir;
    private final Map<String, String> pathByName = new LinkedHashMap<>();
    private final Map<String, List<String>> depsByPath = new LinkedHashMap<>();
    private final Map<String, List<String>> softPreByName = new LinkedHashMap<>();

    private ModulesDep(Path dir) {
        this.dir = dir;
    }

    /** Reads DIR/modules.dep; DIR is a {@code /lib/modules/RELEASE} directory. */
    public static ModulesDep read(Path dir) {
        Path file = dir.resolve("modules.dep");
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            throw new KelpException(file + ": no such file; is the target kernel's module package installed"
                    + " (or run depmod for it)?");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ModulesDep index = new ModulesDep(dir);
        int lineNo = 0;
        for (String line : lines) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new KelpException(file + ":" + lineNo + ": expected 'path: dependencies', got '" + line + "'");
            }
            String path = line.substring(0, colon).strip();
            String rest = line.substring(colon + 1).strip();
            List<String> deps = rest.isEmpty() ? List.of() : List.of(rest.split("\\s+"));
            index.pathByName.putIfAbsent(ModuleFiles.moduleName(path), path);
            index.depsByPath.put(path, deps);
        }
        index.readSoftdeps();
        return index;
    }

    /**
     * {@code modules.softdep}'s "pre:" modules, which modprobe loads before a module although no
     * symbol links them (libcrc32c needs a crc32c implementation, named by its crypto alias).
     * Busybox's modprobe in the guest ignores softdeps, so they become ordinary dependencies.
     * An alias is resolved through {@code modules.alias} to a module that does not depend on a
     * CPU feature (the guest's emulated CPU may lack it); a softdep that resolves to nothing is
     * left out, as modprobe does.
     */
    private void readSoftdeps() {
        List<String> softdeps = lines(dir.resolve("modules.softdep"));
        if (softdeps.isEmpty()) {
            return;
        }
        Map<String, List<String>> aliasTargets = new LinkedHashMap<>();
        java.util.Set<String> cpuBound = new java.util.HashSet<>();
        for (String line : lines(dir.resolve("modules.alias"))) {
            String[] f = line.strip().split("\\s+");
            if (f.length == 3 && f[0].equals("alias")) {
                aliasTargets.computeIfAbsent(f[1], k -> new ArrayList<>()).add(f[2]);
                if (f[1].startsWith("cpu:")) {
                    cpuBound.add(ModInfo.canonical(f[2]));
                }
            }
        }
        for (String line : softdeps) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 3 || !f[0].equals("softdep")) {
                continue;
            }
            List<String> pre = new ArrayList<>();
            boolean inPre = false;
            for (int i = 2; i < f.length; i++) {
                if (f[i].endsWith(":")) {
                    inPre = f[i].equals("pre:");
                } else if (inPre) {
                    resolve(f[i], aliasTargets, cpuBound).ifPresent(pre::add);
                }
            }
            softPreByName.put(ModInfo.canonical(f[1]), pre);
        }
    }

    private java.util.Optional<String> resolve(String name, Map<String, List<String>> aliasTargets,
            java.util.Set<String> cpuBound) {
        if (pathByName.containsKey(ModInfo.canonical(name))) {
            return java.util.Optional.of(ModInfo.canonical(name));
        }
        return aliasTargets.getOrDefault(name, List.of()).stream().map(ModInfo::canonical)
                .filter(pathByName::containsKey).filter(m -> !cpuBound.contains(m)).findFirst();
    }

    /** The softdep "pre:" modules of MODULE, resolved to module names (usually none). */
    List<String> softDependencies(String moduleName) {
        return softPreByName.getOrDefault(ModInfo.canonical(moduleName), List.of());
    }

    private static List<String> lines(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    public boolean contains(String moduleName) {
        return pathByName.containsKey(ModInfo.canonical(moduleName));
    }

    /** The module's path relative to {@link #dir()}. */
    public String path(String moduleName) {
        String path = pathByName.get(ModInfo.canonical(moduleName));
        if (path == null) {
            throw new KelpException("module " + moduleName + " is not in " + dir.resolve("modules.dep")
                    + "; name a module of the target kernel or pass a .ko file");
        }
        return path;
    }

    /**
     * The names of the modules MODULE needs, as modules.dep lists them (the whole closure), then
     * its softdep "pre:" modules.
     */
    public List<String> dependencies(String moduleName) {
        String path = path(moduleName);
        List<String> names = new ArrayList<>();
        for (String dep : depsByPath.getOrDefault(path, List.of())) {
            if (!depsByPath.containsKey(dep)) {
                throw new KelpException(dir.resolve("modules.dep") + ": " + path + " needs " + dep
                        + ", which has no line of its own; run depmod for this kernel");
            }
            names.add(ModuleFiles.moduleName(dep));
        }
        for (String soft : softPreByName.getOrDefault(ModInfo.canonical(moduleName), List.of())) {
            if (!names.contains(soft)) {
                names.add(soft);
            }
        }
        return names;
    }
}
