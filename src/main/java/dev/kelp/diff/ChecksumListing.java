package dev.kelp.diff;

import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Symbol;
import dev.kelp.util.KelpException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-function checksums of one object ({@code kelp checksum}), and the list of functions whose
 * checksums differ between two objects ({@code kelp checksum --compare}). The checksum is the
 * normalised XXH3-64 of {@link FunctionChecksum}; {@code .cold} parts are listed on their own.
 */
public final class ChecksumListing {
    /** One function: its name, size in bytes and checksum. */
    public record Entry(String name, long size, long checksum) {
        public String line() {
            return String.format("%s %d %016x", name, size, checksum);
        }
    }

    private ChecksumListing() {
    }

    public static List<Entry> of(Path file) {
        ElfFile f = ElfFile.read(file);
        if (!f.isRelocatable() || f.symtab() == null) {
            throw new KelpException(file + ": not a relocatable object with a symbol table");
        }
        ObjectIndex idx = new ObjectIndex(f, file.toString(), DiffArch.forMachine(f.machine()));
        FunctionChecksum sums = new FunctionChecksum(idx);
        List<Entry> out = new ArrayList<>();
        for (Symbol s : idx.functions) {
            out.add(new Entry(s.name(), s.size(), sums.of(s)));
        }
        return out;
    }

    /**
     * Names of functions present in both objects (by name with numeric suffixes masked, within
     * the same source file) whose checksums differ, then "+name" for functions only in B and
     * "-name" for functions only in A.
     */
    public static List<String> compare(Path a, Path b) {
        Map<String, Entry> ea = byKey(of(a));
        Map<String, Entry> eb = byKey(of(b));
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Entry> e : ea.entrySet()) {
            Entry other = eb.get(e.getKey());
            if (other != null && (other.checksum() != e.getValue().checksum() || other.size() != e.getValue().size())) {
                out.add(e.getValue().name());
            }
        }
        for (Map.Entry<String, Entry> e : eb.entrySet()) {
            if (!ea.containsKey(e.getKey())) {
                out.add("+" + e.getValue().name());
            }
        }
        for (Map.Entry<String, Entry> e : ea.entrySet()) {
            if (!eb.containsKey(e.getKey())) {
                out.add("-" + e.getValue().name());
            }
        }
        return out;
    }

    private static Map<String, Entry> byKey(List<Entry> entries) {
        Map<String, Entry> m = new LinkedHashMap<>();
        for (Entry e : entries) {
            String k = Names.mangle(e.name());
            int n = 1;
            String key = k;
            while (m.containsKey(key)) {
                key = k + "#" + (++n);
            }
            m.put(key, e);
        }
        return m;
    }
}
