package dev.kelp.symbols;

import dev.kelp.elf.Elf;
import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Symbol;
import dev.kelp.util.KelpException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The function names each object of a symbol file defines: a System.map or kallsyms copy (read
 * by {@link SymbolListText}; kallsyms' {@code [module]} tag assigns a symbol to that module) or
 * an ELF object (its symbol table). Text symbols, nm types {@code T t W w}, are functions.
 */
public final class FunctionLists {
    private FunctionLists() {
    }

    private static final Set<Character> FUNCTION_TYPES = Set.of('T', 't', 'W', 'w');
    private static final byte[] ELF_MAGIC = {0x7f, 'E', 'L', 'F'};

    /** Object name → defined function names; the file's own (non-module) symbols are {@code object}'s. */
    public static Map<String, Set<String>> read(String object, Path file) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        if (isElf(file)) {
            Set<String> names = new HashSet<>();
            for (Symbol s : ElfFile.read(file).symbols()) {
                if (!s.isUndefined() && !s.isSection() && s.type() != Elf.STT_FILE && !s.name().isEmpty()
                        && FUNCTION_TYPES.contains(NmTypes.nm(s))) {
                    names.add(s.name());
                }
            }
            out.put(object, names);
        } else {
            for (Map.Entry<String, List<RawSym>> e : SymbolListText.read(file).entrySet()) {
                String owner = e.getKey().equals(KernelSymbols.VMLINUX) ? object : e.getKey();
                Set<String> names = out.computeIfAbsent(owner, k -> new HashSet<>());
                e.getValue().stream().filter(s -> FUNCTION_TYPES.contains(s.type())).map(RawSym::name)
                        .forEach(names::add);
            }
        }
        if (out.values().stream().allMatch(Set::isEmpty)) {
            throw new KelpException(file + ": no function symbols found (expected a System.map, a kallsyms copy or"
                    + " an ELF object with a symbol table)");
        }
        return out;
    }

    private static boolean isElf(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(4), ELF_MAGIC);
        } catch (NoSuchFileException e) {
            throw new KelpException(file + ": no such symbol file");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
