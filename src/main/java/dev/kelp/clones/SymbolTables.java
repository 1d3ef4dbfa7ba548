package dev.kelp.clones;

import dev.kelp.util.KelpException;
import dev.kelp.util.Proc;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Function symbols of target objects, read from a {@code System.map} or {@code /proc/kallsyms}
 * (the kernel's own lists, local symbols included; kallsyms' {@code [module]} tag assigns a
 * symbol to that module) or from an ELF object through {@code nm}. All use nm's "address type
 * name" lines; text-section symbols (types {@code T t W w}) count as functions.
 */
public final class SymbolTables implements SymbolLookup {
    private static final Set<String> FUNCTION_TYPES = Set.of("T", "t", "W", "w");
    private static final byte[] ELF_MAGIC = {0x7f, 'E', 'L', 'F'};

    private final Map<String, Set<String>> functionsByObject = new HashMap<>();

    /** Adds the functions {@code file} defines (System.map text or ELF) as those of {@code object}. */
    public SymbolTables add(String object, Path file) {
        List<String> lines = isElf(file) ? nm(file) : readText(file);
        Set<String> names = functionsByObject.computeIfAbsent(object, k -> new HashSet<>());
        int n = 0;
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && FUNCTION_TYPES.contains(f[1])) {
                // /proc/kallsyms tags module symbols with [module]: they belong to that object.
                Set<String> into = f.length >= 4 && f[3].startsWith("[") && f[3].endsWith("]")
                        ? functionsByObject.computeIfAbsent(f[3].substring(1, f[3].length() - 1), k -> new HashSet<>())
                        : names;
                into.add(f[2]);
                n++;
            } else if (f.length < 2 && !line.isBlank()) {
                throw new KelpException(file + ": not a System.map/nm symbol line: " + line);
            }
        }
        if (n == 0) {
            throw new KelpException(file + ": no function symbols found (expected a System.map, a kallsyms copy or"
                    + " an ELF object with a symbol table; Debian's /boot/System.map is a stub, the real one is in the"
                    + " linux-image-*-dbg package)");
        }
        return this;
    }

    @Override
    public Optional<Boolean> definesFunction(String object, String name) {
        Set<String> names = functionsByObject.get(object);
        return names == null ? Optional.empty() : Optional.of(names.contains(name));
    }

    private static boolean isElf(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return java.util.Arrays.equals(in.readNBytes(4), ELF_MAGIC);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new KelpException(file + ": no such symbol file");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> nm(Path file) {
        return Proc.of("nm", "--defined-only", file.toString()).check("reading the symbols of " + file)
                .stdout().lines().toList();
    }

    private static List<String> readText(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
