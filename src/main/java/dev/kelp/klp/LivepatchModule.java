package dev.kelp.klp;

import dev.kelp.arch.registry.Machines;
import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Modinfo;
import dev.kelp.elf.Relocation;
import dev.kelp.elf.RelocationSection;
import dev.kelp.elf.Section;
import dev.kelp.elf.Symbol;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a livepatch module patches and how it is relocated, read from the ELF file.
 *
 * <p>Every klp relocation comes from the {@code .klp.rela.*} sections, resolved through the
 * {@code .klp.sym.*} symbol names. The patched functions come from the patch's static
 * {@code klp_func}/{@code klp_object} arrays, recognised by their relocations: a klp_func entry
 * is a pointer to a string ({@code old_name}) followed by a pointer into code ({@code new_func})
 * and the {@code old_sympos} word; a klp_object entry is an optional pointer to a string
 * ({@code name}, none for vmlinux) followed by a pointer to a klp_func entry. Patches that build
 * these structures at run time show no functions.
 */
public final class LivepatchModule {
    /** One klp relocation: {@code section+offset → object:symbol,pos (type)}. */
    public record Entry(String relaSection, String lpObject, String section, long offset, String type, int typeValue,
            String klpSymbol, String object, String symbol, long sympos, long addend, boolean wellFormed) {
        /** The display line. */
        public String line() {
            return section + "+0x" + Long.toHexString(offset) + " → " + (wellFormed ? object + ":" + symbol + ","
                    + sympos : klpSymbol + " (malformed name)") + " (" + type + ")";
        }
    }

    /** One patched function: {@code old_name} at {@code old_sympos} in {@code object}, replaced by {@code newFunction}. */
    public record PatchedFunction(String object, String oldName, long oldSympos, String newFunction) {}

    private final boolean livepatchFlag;
    private final List<Entry> relocations;
    private final List<String> klpSymbols;
    private final List<PatchedFunction> functions;

    private LivepatchModule(boolean flag, List<Entry> relocations, List<String> klpSymbols,
            List<PatchedFunction> functions) {
        this.livepatchFlag = flag;
        this.relocations = relocations;
        this.klpSymbols = klpSymbols;
        this.functions = functions;
    }

    /** Whether the file looks like a livepatch: livepatch=Y in .modinfo, or klp sections/symbols. */
    public static boolean isLivepatch(ElfFile elf) {
        if (hasModinfoFlag(elf)) {
            return true;
        }
        for (Section s : elf.sections()) {
            if (s instanceof RelocationSection r && r.isLivepatch()) {
                return true;
            }
        }
        return elf.symbols().stream().anyMatch(Symbol::isLivepatch);
    }

    public static LivepatchModule read(ElfFile elf) {
        List<Entry> entries = new ArrayList<>();
        for (RelocationSection r : elf.relocationSections()) {
            if (!r.isLivepatch()) {
                continue;
            }
            String lp = KlpNames.parseRelaObject(r.name()).orElse("?");
            String target = r.target() == null ? "?" : r.target().name();
            for (Relocation rel : r.relocations()) {
                String name = rel.symbol() == null ? "" : rel.symbol().name();
                var parsed = KlpNames.parseSymbol(name);
                entries.add(new Entry(r.name(), lp, target, rel.offset(), Machines.relocationName(elf.machine(),
                        rel.type()), rel.type(), name, parsed.map(KlpNames.KlpSymbolName::object).orElse(""),
                        parsed.map(KlpNames.KlpSymbolName::symbol).orElse(""),
                        parsed.map(KlpNames.KlpSymbolName::sympos).orElse(0L), rel.addend(), parsed.isPresent()));
            }
        }
        List<String> syms = elf.symbols().stream().filter(Symbol::isLivepatch).map(Symbol::name).toList();
        return new LivepatchModule(hasModinfoFlag(elf), entries, syms, PatchGlue.functions(elf));
    }

    public boolean hasLivepatchFlag() {
        return livepatchFlag;
    }

    public List<Entry> relocations() {
        return relocations;
    }

    public List<String> klpSymbols() {
        return klpSymbols;
    }

    public List<PatchedFunction> functions() {
        return functions;
    }

    /** Objects the patch touches: those with patched functions or klp relocations, in first-seen order. */
    public List<String> objects() {
        List<String> out = new ArrayList<>();
        for (PatchedFunction f : functions) {
            if (!out.contains(f.object())) {
                out.add(f.object());
            }
        }
        for (Entry e : relocations) {
            if (!out.contains(e.lpObject())) {
                out.add(e.lpObject());
            }
        }
        return out;
    }

    private static boolean hasModinfoFlag(ElfFile elf) {
        return Modinfo.of(elf).map(m -> m.has("livepatch", "Y")).orElse(false);
    }

    /** Recognises the klp_func/klp_object arrays by their relocation pattern (see the class comment). */
    static final class PatchGlue {
        private PatchGlue() {}

        /** Where an absolute pointer at (section, offset) points: a section and an offset in it. */
        private record Pointer(Section section, long offset, Symbol symbol) {}

        static List<PatchedFunction> functions(ElfFile elf) {
            int abs64;
            try {
                abs64 = Machines.livepatch(elf.machine(), elf.name()).absolute64();
            } catch (RuntimeException e) {
                return List.of();
            }
            Map<Section, Map<Long, Pointer>> pointers = new HashMap<>();
            for (RelocationSection r : elf.relocationSections()) {
                Section t = r.target();
                if (r.isLivepatch() || t == null || !t.isAlloc() || t.isExecutable() || t.isNobits()) {
                    continue;
                }
                for (Relocation rel : r.relocations()) {
                    Symbol s = rel.symbol();
                    if (rel.type() == abs64 && s != null && s.section() != null) {
                        pointers.computeIfAbsent(t, k -> new HashMap<>()).put(rel.offset(),
                                new Pointer(s.section(), s.value() + rel.addend(), s));
                    }
                }
            }
            // klp_func entries: (section, offset) → old_name, sympos, new function.
            Map<Section, Map<Long, String[]>> funcs = new HashMap<>();
            pointers.forEach((sec, byOffset) -> byOffset.forEach((off, p) -> {
                Pointer next = byOffset.get(off + 8);
                String name = string(p);
                if (name == null || next == null || !next.section().isExecutable()
                        || off + 24 > sec.size()) {
                    return;
                }
                long sympos = sec.contents().getLong(off.intValue() + 16);
                funcs.computeIfAbsent(sec, k -> new HashMap<>()).put(off, new String[] {name, Long.toString(sympos),
                        functionAt(elf, next)});
            }));
            // where each klp_object's funcs array starts: an array never runs into the next one
            Map<Section, java.util.Set<Long>> starts = new HashMap<>();
            pointers.forEach((sec, byOffset) -> byOffset.values().forEach(p -> {
                Map<Long, String[]> array = funcs.get(p.section());
                if (array != null && array.containsKey(p.offset())) {
                    starts.computeIfAbsent(p.section(), k -> new java.util.HashSet<>()).add(p.offset());
                }
            }));
            List<PatchedFunction> out = new ArrayList<>();
            pointers.forEach((sec, byOffset) -> byOffset.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey()).forEach(e -> {
                        Pointer p = e.getValue();
                        Map<Long, String[]> array = funcs.get(p.section());
                        if (array == null || !array.containsKey(p.offset())) {
                            return;
                        }
                        Pointer namePtr = byOffset.get(e.getKey() - 8);
                        String object = namePtr == null ? "vmlinux" : string(namePtr);
                        if (object == null) {
                            return;
                        }
                        for (long off : entriesFrom(array, p.offset(), starts.get(p.section()))) {
                            String[] f = array.get(off);
                            out.add(new PatchedFunction(object, f[0], Long.parseLong(f[1]), f[2]));
                        }
                    }));
            return out;
        }

        /**
         * The klp_func entries of the array starting at {@code start}: evenly spaced entries (the
         * spacing is the struct size), up to the first gap or the start of another object's array
         * (two one-entry arrays in a row look like one array with twice the spacing).
         */
        private static List<Long> entriesFrom(Map<Long, String[]> array, long start, java.util.Set<Long> starts) {
            List<Long> sorted = array.keySet().stream().filter(o -> o >= start).sorted().toList();
            List<Long> out = new ArrayList<>();
            out.add(start);
            if (sorted.size() > 1) {
                long stride = sorted.get(1) - start;
                for (long o = start + stride; array.containsKey(o) && !starts.contains(o); o += stride) {
                    out.add(o);
                }
            }
            return out;
        }

        /** A NUL-terminated string at the pointer, or null if it does not point at text. */
        private static String string(Pointer p) {
            Section s = p.section();
            if (s.isExecutable() || s.isNobits() || p.offset() < 0 || p.offset() >= s.size()) {
                return null;
            }
            ByteBuffer b = s.contents();
            int end = (int) p.offset();
            while (end < b.capacity() && b.get(end) != 0) {
                int c = b.get(end) & 0xff;
                if (c < 0x20 || c > 0x7e) {
                    return null;
                }
                end++;
            }
            if (end == b.capacity() || end == p.offset()) {
                return null;
            }
            byte[] out = new byte[end - (int) p.offset()];
            b.get((int) p.offset(), out);
            return new String(out, StandardCharsets.US_ASCII);
        }

        /** The name of the function at a code pointer (the symbol itself, or the FUNC symbol there). */
        private static String functionAt(ElfFile elf, Pointer p) {
            if (!p.symbol().isSection() && p.symbol().value() == p.offset()) {
                return p.symbol().name();
            }
            return elf.symbols().stream().filter(s -> s.section() == p.section() && s.isFunction()
                    && s.value() == p.offset()).map(Symbol::name).min(Comparator.naturalOrder())
                    .orElse(p.section().name() + "+0x" + Long.toHexString(p.offset()));
        }
    }
}
