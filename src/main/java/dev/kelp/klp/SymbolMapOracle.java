package dev.kelp.klp;

import dev.kelp.symbols.KernelSymbols;
import dev.kelp.symbols.UnitContext;
import dev.kelp.util.KelpException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link SymbolOracle} over klp-convert's symbol map ({@code symbols.klp}): a version line
 * {@code klp-convert-symbol-data.0.1}, then per object a line {@code *OBJECT} followed by its
 * symbol names; {@code __ksymtab_NAME} marks NAME as exported by that object. The map records
 * no addresses and, when written by nm, no kallsyms order: it tells how many definitions a name
 * has, but a position among several must come from an annotation.
 */
public final class SymbolMapOracle implements SymbolOracle {
    static final String VERSION = "klp-convert-symbol-data.0.1";
    private static final String KSYMTAB = "__ksymtab_";

    private final Path file;
    /** object → name → number of definitions */
    private final Map<String, Map<String, Integer>> objects;
    private final Map<String, String> exports;
    private final Map<String, List<String>> defining;

    private SymbolMapOracle(Path file, Map<String, Map<String, Integer>> objects, Map<String, String> exports) {
        this.file = file;
        this.objects = objects;
        this.exports = exports;
        this.defining = new HashMap<>();
        objects.forEach((obj, names) -> names.keySet().forEach(n -> defining.computeIfAbsent(n,
                k -> new ArrayList<>(1)).add(obj)));
    }

    public static SymbolMapOracle read(Path file) {
        Map<String, Map<String, Integer>> objects = new LinkedHashMap<>();
        Map<String, String> exports = new HashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            String first = r.readLine();
            if (first == null || !first.strip().equals(VERSION)) {
                throw new KelpException(file + ": not a klp-convert symbol map (the first line must be '" + VERSION
                        + "')");
            }
            Map<String, Integer> current = null;
            String object = null;
            int lineNo = 1;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lineNo++;
                line = line.strip();
                if (line.isEmpty()) {
                    continue;
                }
                if (line.startsWith("*")) {
                    object = line.substring(1).replace('-', '_');
                    current = objects.computeIfAbsent(object, k -> new HashMap<>());
                    continue;
                }
                if (current == null) {
                    throw new KelpException(file + ":" + lineNo + ": symbol '" + line + "' before the first *OBJECT"
                            + " line");
                }
                current.merge(line, 1, Integer::sum);
                if (line.startsWith(KSYMTAB)) {
                    exports.putIfAbsent(line.substring(KSYMTAB.length()), object);
                }
            }
        } catch (NoSuchFileException e) {
            throw new KelpException(file + ": no such file");
        } catch (IOException e) {
            throw new KelpException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (!objects.containsKey(KernelSymbols.VMLINUX)) {
            throw new KelpException(file + ": the symbol map has no *vmlinux section");
        }
        return new SymbolMapOracle(file, objects, exports);
    }

    @Override
    public String origin() {
        return file + " (klp-convert symbol map, " + objects.size() + " objects)";
    }

    @Override
    public Optional<String> exporter(String name) {
        return Optional.ofNullable(exports.get(name));
    }

    @Override
    public List<String> objectsDefining(String name) {
        return defining.getOrDefault(name, List.of());
    }

    @Override
    public boolean knowsObject(String object) {
        return objects.containsKey(object);
    }

    @Override
    public List<Candidate> candidates(String object, String name) {
        int n = objects.getOrDefault(object, Map.of()).getOrDefault(name, 0);
        List<Candidate> out = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            out.add(new Candidate(object, name, n == 1 ? 0 : i, n == 1 ? "sympos 0 (unique)"
                    : "definition " + i + " of " + n + " (the symbol map records no addresses)"));
        }
        return out;
    }

    @Override
    public int uniqueSympos(String object, String name) {
        return 0;
    }

    @Override
    public int unitSympos(String object, String name, UnitContext unit) {
        throw new KelpException("symbol '" + name + "' has " + candidates(object, name).size() + " definitions in "
                + object + " and the symbol map (" + file + ") records no addresses to tell which one belongs to "
                + (unit.sourceFile().isEmpty() ? "the unit" : unit.sourceFile()) + ": use --kernel/--vmlinuz/"
                + "--kallsyms instead, or annotate it with KLP_RELOC_SYMBOL_POS");
    }
}
