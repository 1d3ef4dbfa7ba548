package dev.kelp.symbols;

import dev.kelp.util.KelpException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tukaani.xz.XZInputStream;

/**
 * Text symbol lists: a copy of {@code /proc/kallsyms} ("ADDR T NAME" and, for module symbols,
 * "ADDR t NAME\t[module]") and System.map ("ADDR T NAME", nm -n order). Files ending in .xz
 * or .gz are decompressed on the fly.
 */
final class SymbolListText {
    private SymbolListText() {}

    /** Objects in file order: "vmlinux" first, then each module of a kallsyms copy. */
    static Map<String, List<RawSym>> read(Path file) {
        Map<String, List<RawSym>> objects = new LinkedHashMap<>();
        objects.put(KernelSymbols.VMLINUX, new ArrayList<>());
        try (BufferedReader r = new BufferedReader(new InputStreamReader(open(file), StandardCharsets.ISO_8859_1),
                1 << 16)) {
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                if (line.isBlank()) {
                    continue;
                }
                if (no == 1 && line.contains("System.map is in")) {
                    throw new KelpException(file + ": this is Debian's placeholder System.map (the real one ships"
                            + " in the -dbg package); pass --vmlinuz /boot/vmlinuz-RELEASE or --kernel RELEASE instead");
                }
                parseLine(file, no, line, objects);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (objects.get(KernelSymbols.VMLINUX).isEmpty()) {
            throw new KelpException(file + ": no vmlinux symbols (expected lines 'ADDRESS TYPE NAME')");
        }
        return objects;
    }

    private static void parseLine(Path file, int no, String line, Map<String, List<RawSym>> objects) {
        int tab = line.indexOf('\t');
        String module = null;
        String main = line;
        if (tab >= 0) {
            String rest = line.substring(tab + 1).strip();
            if (!rest.startsWith("[") || !rest.endsWith("]")) {
                throw bad(file, no, line);
            }
            module = rest.substring(1, rest.length() - 1);
            main = line.substring(0, tab);
        }
        String[] f = main.strip().split(" +");
        if (f.length != 3 || f[1].length() != 1 || f[0].isEmpty() || f[0].length() > 16) {
            throw bad(file, no, line);
        }
        long address;
        try {
            address = Long.parseUnsignedLong(f[0], 16);
        } catch (NumberFormatException e) {
            throw bad(file, no, line);
        }
        RawSym s = new RawSym(address, f[1].charAt(0), f[2]);
        if (module == null) {
            objects.get(KernelSymbols.VMLINUX).add(s);
        } else if (!isPseudoModule(module)) {
            objects.computeIfAbsent(module, k -> new ArrayList<>()).add(s);
        }
    }

    /** Entries of /proc/kallsyms that are not modules: BPF programs, ftrace and kprobe trampolines. */
    private static boolean isPseudoModule(String name) {
        return name.equals("bpf") || name.startsWith("__builtin__");
    }

    private static KelpException bad(Path file, int no, String line) {
        String shown = line.length() > 80 ? line.substring(0, 80) + "…" : line;
        return new KelpException(file + ":" + no + ": not a symbol line ('ADDRESS TYPE NAME' expected): " + shown);
    }

    private static InputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        String n = file.getFileName().toString();
        if (n.endsWith(".xz")) {
            return new XZInputStream(new java.io.BufferedInputStream(in, 1 << 16));
        }
        if (n.endsWith(".gz")) {
            return new java.util.zip.GZIPInputStream(in, 1 << 16);
        }
        return in;
    }
}
