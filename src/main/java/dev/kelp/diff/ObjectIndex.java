package dev.kelp.diff;

import dev.kelp.elf.Elf;
import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Relocation;
import dev.kelp.elf.RelocationSection;
import dev.kelp.elf.Section;
import dev.kelp.elf.Symbol;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lookup tables over one relocatable object, built once so that every question the differ asks
 * (which symbol contains this offset, which relocations fall in this range, where does this
 * function's profiling call sit) is a hash or binary-search lookup, never a scan.
 */
final class ObjectIndex {
    private static final Comparator<Symbol> BY_VALUE = Comparator.comparingLong(Symbol::value);
    private static final Comparator<Relocation> BY_OFFSET = Comparator.comparingLong(Relocation::offset);

    final ElfFile elf;
    final String path;
    final DiffArch arch;
    /** Named FUNC/OBJECT symbols per defining section, sorted by value. */
    private final IndexedMap<Section, Symbol[]> bySection;
    /** The STT_FILE name in force for each local symbol (objects linked from several units). */
    private final IndexedMap<Symbol, String> fileOf;
    /** Relocations per target section, merged over all relocation sections, sorted by offset. */
    private final IndexedMap<Section, Relocation[]> relocs;
    private final InsnGeometry geometry;
    /** Functions proper (not prefix symbols), in symbol-table order. */
    final List<Symbol> functions = new ArrayList<>();
    /** Data objects, in symbol-table order. */
    final List<Symbol> objects = new ArrayList<>();
    final Map<Symbol, Symbol> prefixOf = new IdentityHashMap<>();
    final Map<Symbol, Symbol> coldParentOf = new IdentityHashMap<>();
    final Map<Symbol, List<Symbol>> coldChildren = new IdentityHashMap<>();
    /** Offset of the profiling call per function. */
    private final IndexedMap<Symbol, Long> fentry;
    /** Bounds of the section and symbol indices: capacities of the index-keyed maps. */
    final int sectionCount;
    final int symbolCount;
    final List<String> fileNames = new ArrayList<>();
    /** Masked names ({@link Names#mangle}), computed once per symbol: checksums ask for them per relocation. */
    private final IndexedMap<Symbol, String> mangled;

    ObjectIndex(ElfFile elf, String path, DiffArch arch) {
        this.elf = elf;
        this.path = path;
        this.arch = arch;
        int sections = 1;
        for (Section s : elf.sections()) {
            sections = Math.max(sections, s.index() + 1);
        }
        this.sectionCount = sections;
        this.symbolCount = elf.symbols().size() + 1;
        this.bySection = new IndexedMap<>(sections, Section::index);
        this.relocs = new IndexedMap<>(sections, Section::index);
        this.geometry = new InsnGeometry(arch, sections, this::symbolsIn);
        this.fileOf = new IndexedMap<>(symbolCount, Symbol::index);
        this.mangled = new IndexedMap<>(symbolCount, Symbol::index);
        this.fentry = new IndexedMap<>(symbolCount, Symbol::index);
        indexSymbols();
        indexRelocations();
        findFamilies();
        findProfilingCalls();
    }

    private void indexSymbols() {
        IndexedMap<Section, List<Symbol>> lists = new IndexedMap<>(sectionCount, Section::index);
        String file = "";
        for (Symbol s : elf.symbols()) {
            if (s.isFile()) {
                file = s.name();
                fileNames.add(file);
                continue;
            }
            if (s.isLocal()) {
                fileOf.put(s, file);
            }
            if (s.isSection()) {
                continue;
            }
            if (s.section() == null || s.name().isEmpty()) {
                continue;
            }
            if (s.isFunction() || s.isObject() || s.type() == Elf.STT_TLS) {
                List<Symbol> l = lists.get(s.section());
                if (l == null) {
                    l = new ArrayList<>(2);
                    lists.put(s.section(), l);
                }
                l.add(s);
                if (s.isFunction()) {
                    if (Names.prefixedFunction(s.name()) == null) {
                        functions.add(s);
                    }
                } else {
                    objects.add(s);
                }
            }
        }
        for (Section sec : elf.sections()) {
            List<Symbol> l = lists.get(sec);
            if (l != null) {
                Symbol[] a = l.toArray(new Symbol[0]);
                Arrays.sort(a, BY_VALUE);
                bySection.put(sec, a);
            }
        }
    }

    private void indexRelocations() {
        IndexedMap<Section, List<RelocationSection>> bySection = new IndexedMap<>(sectionCount, Section::index);
        for (RelocationSection rs : elf.relocationSections()) {
            if (rs.target() == null || rs.isLivepatch()) {
                continue;
            }
            List<RelocationSection> l = bySection.get(rs.target());
            if (l == null) {
                l = new ArrayList<>(1);
                bySection.put(rs.target(), l);
            }
            l.add(rs);
        }
        for (Section sec : elf.sections()) {
            List<RelocationSection> l = bySection.get(sec);
            if (l == null) {
                continue;
            }
            int n = 0;
            for (RelocationSection rs : l) {
                n += rs.relocations().size();
            }
            Relocation[] a = new Relocation[n];
            int k = 0;
            boolean sorted = true;
            for (RelocationSection rs : l) {
                for (Relocation r : rs.relocations()) {
                    sorted &= k == 0 || a[k - 1].offset() <= r.offset();
                    a[k++] = r;
                }
            }
            // assemblers and linkers emit relocations in offset order: sort only when they did not
            if (!sorted) {
                Arrays.sort(a, BY_OFFSET);
            }
            relocs.put(sec, a);
        }
    }

    private void findFamilies() {
        Map<String, Symbol> byName = new HashMap<>();
        for (Symbol f : functions) {
            byName.putIfAbsent(fileKey(f) + f.name(), f);
        }
        for (Symbol s : elf.symbols()) {
            String target = s.isFunction() && s.section() != null ? Names.prefixedFunction(s.name()) : null;
            if (target != null) {
                Symbol f = byName.get(fileKey(s) + target);
                if (f == null) {
                    f = byName.get(target);
                }
                if (f != null && f.section() == s.section()) {
                    prefixOf.put(f, s);
                }
            }
        }
        for (Symbol f : functions) {
            String parent = Names.coldParent(f.name());
            if (parent == null) {
                continue;
            }
            Symbol p = byName.get(fileKey(f) + parent);
            if (p == null) {
                p = byName.get(parent);
            }
            if (p != null && p != f) {
                coldParentOf.put(f, p);
                coldChildren.computeIfAbsent(p, k -> new ArrayList<>(1)).add(f);
            }
        }
    }

    private String fileKey(Symbol s) {
        return s.isLocal() ? fileOf.getOrDefault(s, "") + "\0" : "";
    }

    /** Profiling calls: a call to __fentry__ at the entry, or an entry in __mcount_loc / patchable entries. */
    private void findProfilingCalls() {
        for (Symbol f : functions) {
            for (Relocation r : relocsIn(f.section(), f.value(), Math.min(f.value() + 32, f.value() + f.size()))) {
                if (r.symbol() != null && arch.profilingCallees().contains(r.symbol().name())) {
                    fentry.put(f, r.offset() - 1 - f.value());
                    break;
                }
            }
        }
        for (String table : List.of("__mcount_loc", "__patchable_function_entries")) {
            for (Section s : elf.sectionsNamed(table)) {
                for (Relocation r : relocationsOf(s)) {
                    RelocTarget t = resolve(s, r);
                    if (t.kind() == RelocTarget.Kind.SYMBOL && t.symbol().isFunction() && t.symbol().section() != null) {
                        fentry.putIfAbsent(t.symbol(), t.addend());
                    }
                }
            }
        }
    }

    private IndexedMap<Section, long[]> anonymousTargets;

    /**
     * The end of the anonymous datum at {@code offset} of {@code sec}: the next offset that some
     * relocation of the object points at, or the section end. Compilers pack unnamed constants
     * of several functions into one section; this is how far one of them reaches.
     */
    long anonymousEnd(Section sec, long offset) {
        if (anonymousTargets == null) {
            indexAnonymousTargets();
        }
        long[] t = anonymousTargets.get(sec);
        if (t != null) {
            int i = Arrays.binarySearch(t, offset);
            i = i < 0 ? -i - 1 : i + 1;
            if (i < t.length) {
                return t[i];
            }
        }
        return sec.size();
    }

    private void indexAnonymousTargets() {
        anonymousTargets = new IndexedMap<>(sectionCount, Section::index);
        IndexedMap<Section, long[]> growing = new IndexedMap<>(sectionCount, Section::index);
        // slot 0 of each array holds the number of offsets collected
        for (Section where : elf.sections()) {
            Relocation[] rs = relocs.get(where);
            if (rs == null) {
                continue;
            }
            for (Relocation r : rs) {
                RelocTarget t = resolve(where, r);
                if (t.kind() == RelocTarget.Kind.ANONYMOUS) {
                    long[] a = growing.get(t.section());
                    if (a == null) {
                        a = new long[8];
                        growing.put(t.section(), a);
                    } else if (a[0] + 1 == a.length) {
                        a = Arrays.copyOf(a, a.length * 2);
                        growing.put(t.section(), a);
                    }
                    a[(int) ++a[0]] = t.offset();
                }
            }
        }
        for (Section sec : elf.sections()) {
            long[] a = growing.get(sec);
            if (a != null) {
                long[] offsets = Arrays.copyOfRange(a, 1, (int) a[0] + 1);
                Arrays.sort(offsets);
                anonymousTargets.put(sec, Arrays.stream(offsets).distinct().toArray());
            }
        }
    }

    /** {@link Names#mangle} of the symbol's name, cached. */
    String mangled(Symbol s) {
        String m = mangled.get(s);
        if (m == null) {
            m = Names.mangle(s.name());
            mangled.put(s, m);
        }
        return m;
    }

    /** The STT_FILE name a local symbol belongs to ("" for globals or before any FILE symbol). */
    String fileOf(Symbol s) {
        return fileOf.getOrDefault(s, "");
    }

    /** Offset of the profiling call within the function, or -1 if it has none. */
    long profilingCallOffset(Symbol f) {
        Long o = fentry.get(f);
        return o == null ? -1 : o;
    }


    /** Named FUNC/OBJECT symbols of a section, sorted by value (empty if none). */
    Symbol[] symbolsIn(Section s) {
        Symbol[] a = bySection.get(s);
        return a == null ? new Symbol[0] : a;
    }

    /** All relocations applying to a section, sorted by offset. */
    Relocation[] relocationsOf(Section s) {
        Relocation[] a = relocs.get(s);
        return a == null ? new Relocation[0] : a;
    }

    /** Relocations whose place lies in [start, end) of the section, in offset order. */
    List<Relocation> relocsIn(Section s, long start, long end) {
        Relocation[] a = relocs.get(s);
        if (a == null) {
            return List.of();
        }
        int lo = lowerBound(a, start);
        int hi = lowerBound(a, end);
        return Arrays.asList(a).subList(lo, hi);
    }

    private static int lowerBound(Relocation[] a, long off) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid].offset() < off) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * The named symbol whose extent contains the offset; failing that, a symbol that ends exactly
     * there (a pointer just past an object), or null.
     */
    Symbol containing(Section s, long off) {
        Symbol[] a = bySection.get(s);
        if (a == null) {
            return null;
        }
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid].value() <= off) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        Symbol endsHere = null;
        for (int i = lo - 1; i >= 0 && i >= lo - 4; i--) {
            Symbol c = a[i];
            if (off < c.value() + c.size() || (c.size() == 0 && off == c.value())) {
                return c;
            }
            if (endsHere == null && off == c.value() + c.size()) {
                endsHere = c;
            }
        }
        return endsHere;
    }

    /** Resolves what a relocation in section {@code where} points at. */
    RelocTarget resolve(Section where, Relocation r) {
        Symbol sym = r.symbol();
        if (sym == null) {
            return RelocTarget.NONE;
        }
        // compiler-local labels (.LC0, .L__unnamed_1) name nothing stable: resolve them like
        // section-relative references, so their contents count and their numbers do not
        boolean label = sym.isLocal() && sym.type() == Elf.STT_NOTYPE && sym.section() != null;
        if (!sym.isSection() && !label) {
            return RelocTarget.symbol(sym, r.addend());
        }
        Section sec = sym.section();
        if (sec == null) {
            return RelocTarget.NONE;
        }
        long off = r.addend() + bias(where, r) + sym.value();
        if (sec.hasFlag(Elf.SHF_STRINGS)) {
            return new RelocTarget(RelocTarget.Kind.STRING, null, sec, r.addend() + sym.value(), off, stringAt(sec, off));
        }
        if (sec.hasFlag(Elf.SHF_MERGE) && sec.entsize() > 0) {
            return new RelocTarget(RelocTarget.Kind.CONSTANT, null, sec, r.addend() + sym.value(), off,
                    bytesAt(sec, off, (int) sec.entsize()));
        }
        Symbol c = containing(sec, off);
        if (c != null) {
            return RelocTarget.symbol(c, r.addend() + sym.value() - c.value());
        }
        return new RelocTarget(RelocTarget.Kind.ANONYMOUS, null, sec, r.addend() + sym.value(), off, null);
    }

    /**
     * Distance from the relocated field to the end of its instruction, for PC-relative
     * relocations in code ({@link InsnGeometry#bias}); zero in data.
     */
    int bias(Section where, Relocation r) {
        return geometry.bias(where, r);
    }

    /** Whether the instruction holding the byte at {@code offset} is a direct call or jump. */
    boolean isBranchAt(Section code, long offset) {
        return geometry.isBranchAt(code, offset);
    }

    static String stringAt(Section sec, long off) {
        byte[] d = sec.data();
        if (off < 0 || off > d.length) {
            return "\u0000out-of-range@" + off;
        }
        int end = (int) off;
        while (end < d.length && d[end] != 0) {
            end++;
        }
        return new String(d, (int) off, end - (int) off, StandardCharsets.ISO_8859_1);
    }

    private static String bytesAt(Section sec, long off, int len) {
        byte[] d = sec.data();
        if (off < 0 || off + len > d.length) {
            return "\u0000out-of-range@" + off;
        }
        return new String(d, (int) off, len, StandardCharsets.ISO_8859_1);
    }
}
