package dev.kelp.diff;

import dev.kelp.elf.Elf;
import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Modinfo;
import dev.kelp.elf.Relocation;
import dev.kelp.elf.RelocationSection;
import dev.kelp.elf.Section;
import dev.kelp.elf.Symbol;
import dev.kelp.elf.SymbolTable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the output object: the changed and new functions, what they need that the original
 * does not have (new data, fresh per-call-site statics, string literals, anonymous tables), the
 * special-section records that point into them, a regenerated {@code __mcount_loc}, and the
 * side-band records for references to unchanged local symbols (docs/sideband.md).
 *
 * <p>Everything is copied piecewise: a piece is a byte range of a patched section, placed in the
 * output section of the same name; relocations inside a piece are re-aimed by what their target
 * is (included → the copied symbol; unchanged global → undefined symbol of that name;
 * unchanged local → side-band record). The inclusion closure is a worklist over pieces.
 */
final class OutputBuilder {
    /** A byte range [start, end) of a patched section copied to {@code dst} at {@code dstStart}. */
    private record Piece(Section src, long start, long end, OutSection dst, long dstStart, String owner) {
        long translate(long off) {
            return dstStart + (off - start);
        }
    }

    private static final class OutSection {
        final Section section;
        byte[] data = new byte[64];
        long size;
        RelocationSection rela;

        OutSection(Section section) {
            this.section = section;
        }

        void ensure(long n) {
            if (n > data.length) {
                data = Arrays.copyOf(data, (int) Math.max(n, data.length * 2L));
            }
        }
    }

    private final ObjectIndex p;
    private final ObjectIndex o;
    private final Correlation corr;
    private final ChangeSet cs;
    private final DiffOptions opts;
    private final List<Problem> problems;
    private final ElfFile out;
    private final SymbolTable symtab;
    private final Map<String, OutSection> outSections = new LinkedHashMap<>();
    private final Map<Section, List<Piece>> pieces = new IdentityHashMap<>();
    private final Map<Symbol, Symbol> outSym = new IdentityHashMap<>();
    private final Map<Section, Symbol> sectionSyms = new IdentityHashMap<>();
    private final Map<String, Symbol> undefined = new HashMap<>();
    private final ArrayDeque<Piece> work = new ArrayDeque<>();
    private final SideBandWriter sideBand = new SideBandWriter();
    private final List<IncludedFunction> included = new ArrayList<>();
    private final List<IncludedData> data = new ArrayList<>();
    private final Map<Symbol, Boolean> includedFunctions = new IdentityHashMap<>();
    /** Included functions in inclusion order (for a stable __mcount_loc). */
    private final List<Symbol> includedOrder = new ArrayList<>();
    private final SpecialSections special;

    OutputBuilder(ObjectIndex orig, ObjectIndex patched, Correlation corr, ChangeSet cs, DiffOptions opts,
            List<Problem> problems) {
        this.o = orig;
        this.p = patched;
        this.corr = corr;
        this.cs = cs;
        this.opts = opts;
        this.problems = problems;
        this.special = SpecialSections.of(patched.arch, opts.structSizes(), patched, problems);
        this.out = ElfFile.create(patched.elf.byteOrder(), patched.elf.machine());
        out.setOsabi(patched.elf.osabi()).setFlags(patched.elf.flags());
        Section strtab = out.addSection(new Section(".strtab", Elf.SHT_STRTAB));
        this.symtab = new SymbolTable(".symtab", strtab);
        out.addSection(symtab);
        Section shstrtab = out.addSection(new Section(".shstrtab", Elf.SHT_STRTAB));
        out.setShstrtab(shstrtab);
        Symbol file = new Symbol(patched.fileNames.isEmpty() ? "" : patched.fileNames.get(0));
        if (!patched.fileNames.isEmpty()) {
            file.setType(Elf.STT_FILE).setBind(Elf.STB_LOCAL).setSpecialIndex(Elf.SHN_ABS);
            symtab.add(file);
        }
    }

    List<IncludedFunction> included() {
        return included;
    }

    List<IncludedData> data() {
        return data;
    }

    int sideBandCount() {
        return sideBand.size();
    }

    ElfFile build() {
        for (Symbol f : cs.changed) {
            includeFunction(f, "changed");
        }
        for (Symbol f : cs.added) {
            includeFunction(f, "new");
        }
        drain();
        specialSections();
        drain();
        regenerateProfilingTables();
        carryNamespaceImports();
        addAliases();
        finish();
        return out;
    }

    // ---- inclusion -------------------------------------------------------------------------

    private void includeFunction(Symbol f, String reason) {
        if (includedFunctions.containsKey(f)) {
            return;
        }
        includedFunctions.put(f, Boolean.TRUE);
        includedOrder.add(f);
        Section s = f.section();
        Symbol pfx = p.prefixOf.get(f);
        long start = pfx != null ? Math.min(pfx.value(), f.value()) : f.value();
        long end = f.value() + f.size();
        if (exclusivelyHolds(s, f, pfx)) {
            start = 0;
            end = s.size();
        }
        addPiece(s, start, end, displayName(f));
        Symbol orig = corr.origOf(f);
        String alias = cs.of(f) == ChangeSet.Status.CHANGED ? aliasName(orig.name()) : null;
        included.add(new IncludedFunction(orig != null ? orig.name() : f.name(), alias, reason, s.name()));
        for (Symbol child : p.coldChildren.getOrDefault(f, List.of())) {
            includeFunction(child, "part of " + displayName(f));
        }
    }

    private String displayName(Symbol f) {
        Symbol orig = corr.origOf(f);
        return orig != null ? orig.name() : f.name();
    }

    private boolean exclusivelyHolds(Section s, Symbol f, Symbol pfx) {
        for (Symbol y : p.symbolsIn(s)) {
            if (y != f && y != pfx) {
                return false;
            }
        }
        return true;
    }

    private void includeObject(Symbol obj, IncludedData.Kind kind, String usedBy) {
        if (outSym.containsKey(obj)) {
            return;
        }
        Section s = obj.section();
        long start = obj.value();
        long end = obj.value() + obj.size();
        Symbol[] all = p.symbolsIn(s);
        if (all.length == 1 && all[0] == obj) {
            start = 0;
            end = s.size();
        }
        addPiece(s, start, end, obj.name());
        data.add(new IncludedData(obj.name(), kind, usedBy, s.name()));
    }

    private Piece includeWholeSection(Section s, String owner) {
        return addPiece(s, 0, s.size(), owner);
    }

    /** Copies [start, end) of src (or returns the piece already covering it). */
    private Piece addPiece(Section src, long start, long end, String owner) {
        List<Piece> list = pieces.computeIfAbsent(src, k -> new ArrayList<>(1));
        for (Piece q : list) {
            if (start >= q.start() && end <= q.end()) {
                return q;
            }
        }
        OutSection dst = outSection(src);
        long align = Math.max(1, src.addralign());
        long pos = dst.size;
        long want = Math.floorMod(start, align);
        while (Math.floorMod(pos, align) != want) {
            pos++;
        }
        long len = end - start;
        if (!src.isNobits()) {
            dst.ensure(pos + len);
            byte[] d = src.data();
            System.arraycopy(d, (int) start, dst.data, (int) pos, (int) Math.min(len, d.length - start));
        }
        dst.size = pos + len;
        if (align > dst.section.addralign()) {
            dst.section.setAddralign(align);
        }
        Piece piece = new Piece(src, start, end, dst, pos, owner);
        list.add(piece);
        copySymbols(piece);
        work.add(piece);
        return piece;
    }

    private OutSection outSection(Section src) {
        String key = src.name() + "\0" + src.type() + "\0" + src.flags();
        OutSection os = outSections.get(key);
        if (os == null) {
            Section s = new Section(src.name(), src.type());
            s.setFlags(src.flags() & ~Elf.SHF_GROUP).setAddralign(Math.max(1, src.addralign())).setEntsize(src.entsize());
            out.addSectionBefore(out.section(".strtab"), s);
            os = new OutSection(s);
            outSections.put(key, os);
        }
        return os;
    }

    private void copySymbols(Piece piece) {
        for (Symbol y : p.symbolsIn(piece.src())) {
            boolean inside = y.value() >= piece.start()
                    && (y.value() < piece.end() || (y.size() == 0 && y.value() == piece.end()));
            if (!inside || outSym.containsKey(y)) {
                continue;
            }
            Symbol orig = corr.origOf(y);
            boolean changed = y.isFunction() && cs.of(y) == ChangeSet.Status.CHANGED;
            String name = orig != null && y.isFunction() ? orig.name() : y.name();
            Symbol c = new Symbol(name).setValue(piece.translate(y.value())).setSize(y.size()).setType(y.type())
                    .setBind(changed ? Elf.STB_LOCAL : y.bind()).setOther(y.other()).setSection(piece.dst().section);
            symtab.add(c);
            outSym.put(y, c);
        }
    }

    private void drain() {
        while (!work.isEmpty()) {
            Piece piece = work.poll();
            for (Relocation r : p.relocsIn(piece.src(), piece.start(), piece.end())) {
                relocate(piece, r);
            }
        }
    }

    /** Re-aims one relocation of a copied piece. */
    private void relocate(Piece piece, Relocation r) {
        long place = piece.translate(r.offset());
        RelocTarget t = p.resolve(piece.src(), r);
        switch (t.kind()) {
            case NONE:
                addReloc(piece.dst(), place, r.type(), null, r.addend());
                return;
            case STRING:
            case CONSTANT:
            case ANONYMOUS:
                Piece whole = includeWholeSection(t.section(), piece.owner());
                addReloc(piece.dst(), place, r.type(), sectionSymbol(whole.dst().section),
                        t.addend() + whole.dstStart());
                return;
            default:
                relocateToSymbol(piece, place, r, t);
        }
    }

    private void relocateToSymbol(Piece piece, long place, Relocation r, RelocTarget t) {
        Symbol sym = t.symbol();
        if (sym.section() == null) {
            if (sym.isAbsolute()) {
                addReloc(piece.dst(), place, r.type(), absoluteSymbol(sym), t.addend());
            } else {
                addReloc(piece.dst(), place, r.type(), undefinedSymbol(sym.name(), sym.isWeak()), t.addend());
            }
            return;
        }
        Symbol external = null;
        if (sym.isFunction() && isPointerToPatchedFunction(piece, r, t)) {
            // the address of a function the kernel already has: keep pointing at the original
            // (ftrace redirects it while the patch is loaded, and it stays valid after unload)
            referToUnchanged(piece, place, r, corr.origOf(sym), t.addend());
            return;
        }
        if (sym.isFunction()) {
            ChangeSet.Status st = cs.of(sym);
            Symbol parent = p.coldParentOf.get(sym);
            if (st != null || (parent != null && includedFunctions.containsKey(parent))) {
                if (st != null) {
                    includeFunction(sym, st == ChangeSet.Status.NEW ? "new" : "changed");
                }
            } else if (includedFunctions.containsKey(sym)) {
                // already in
            } else {
                Symbol orig = corr.origOf(sym);
                external = orig != null ? orig : sym;
                if (orig == null && Names.prefixedFunction(sym.name()) == null) {
                    includeFunction(sym, "needed by " + piece.owner());
                    external = null;
                }
            }
        } else if (sym.isObject() || sym.type() == Elf.STT_TLS) {
            Symbol orig = corr.origOf(sym);
            if (orig != null) {
                external = orig;
            } else {
                includeObject(sym, Names.isSpecialStatic(sym.name(), sym.section().name())
                        ? IncludedData.Kind.FRESH_STATIC : IncludedData.Kind.NEW, piece.owner());
            }
        } else {
            // a label without type (assembler): carry its section like anonymous data
            Piece whole = includeWholeSection(sym.section(), piece.owner());
            addReloc(piece.dst(), place, r.type(), sectionSymbol(whole.dst().section),
                    sym.value() + t.addend() + whole.dstStart());
            return;
        }
        if (external != null) {
            referToUnchanged(piece, place, r, external, t.addend());
            return;
        }
        Symbol target = outSym.get(sym);
        if (target == null) {
            Piece holder = pieceHolding(sym.section(), sym.value());
            if (holder == null) {
                problems.add(new Problem(p.path, sym.name(), "internal: referenced symbol was not copied"));
                return;
            }
            addReloc(piece.dst(), place, r.type(), sectionSymbol(holder.dst().section),
                    holder.translate(sym.value()) + t.addend());
            return;
        }
        addReloc(piece.dst(), place, r.type(), target, t.addend());
    }

    /**
     * Whether a relocation takes the address of a changed function (a function pointer stored in
     * code or data) rather than calling or jumping to it. Special-section records are exempt:
     * they describe the copied code itself. Nested functions (with a dot) are exempt as well.
     */
    private boolean isPointerToPatchedFunction(Piece piece, Relocation r, RelocTarget t) {
        Symbol sym = t.symbol();
        if (cs.of(sym) != ChangeSet.Status.CHANGED || sym.name().indexOf('.') >= 0
                || special.lookup(piece.src().name()) != null) {
            return false;
        }
        if (t.addend() + p.bias(piece.src(), r) != 0) {
            return false; // an address inside the function (jump tables), not the function itself
        }
        if (!piece.src().isExecutable()) {
            return true;
        }
        return !p.isBranchAt(piece.src(), r.offset());
    }

    /** A reference to something the patch does not carry: undefined global, or side-band record. */
    private void referToUnchanged(Piece piece, long place, Relocation r, Symbol orig, long addend) {
        if (!orig.isLocal()) {
            addReloc(piece.dst(), place, r.type(), undefinedSymbol(orig.name(), orig.isWeak()), addend);
            return;
        }
        int flags = SideBandFormat.FLAG_LOCAL | (orig.isFunction() ? SideBandFormat.FLAG_FUNC : 0)
                | (orig.isObject() ? SideBandFormat.FLAG_OBJECT : 0);
        sideBand.add(new SideBandWriter.Record(piece.dst().section, place, orig.name(), r.type(), flags, addend));
        int size = p.arch.fieldSize(r.type());
        if (!piece.dst().section.isNobits()) {
            Arrays.fill(piece.dst().data, (int) place, (int) Math.min(place + size, piece.dst().data.length), (byte) 0);
        }
    }

    private Piece pieceHolding(Section src, long off) {
        for (Piece q : pieces.getOrDefault(src, List.of())) {
            if (off >= q.start() && off <= q.end()) {
                return q;
            }
        }
        return null;
    }

    private void addReloc(OutSection dst, long place, int type, Symbol sym, long addend) {
        if (dst.rela == null) {
            dst.rela = new RelocationSection(".rela" + dst.section.name(), true, symtab, dst.section);
            out.addSectionAfter(dst.section, dst.rela);
        }
        dst.rela.add(new Relocation(place, type, sym, addend));
    }

    private Symbol sectionSymbol(Section s) {
        return sectionSyms.computeIfAbsent(s, k -> {
            Symbol y = new Symbol("").setType(Elf.STT_SECTION).setBind(Elf.STB_LOCAL).setSection(k);
            symtab.add(y);
            return y;
        });
    }

    private Symbol undefinedSymbol(String name, boolean weak) {
        return undefined.computeIfAbsent(name, n -> {
            Symbol y = new Symbol(n).setBind(weak ? Elf.STB_WEAK : Elf.STB_GLOBAL).setType(Elf.STT_NOTYPE);
            symtab.add(y);
            return y;
        });
    }

    private Symbol absoluteSymbol(Symbol sym) {
        return outSym.computeIfAbsent(sym, k -> {
            Symbol y = new Symbol(k.name()).setBind(k.bind()).setType(k.type()).setValue(k.value())
                    .setSize(k.size()).setSpecialIndex(Elf.SHN_ABS);
            symtab.add(y);
            return y;
        });
    }

    // ---- special sections (SpecialRecords) -------------------------------------------------

    private void specialSections() {
        new SpecialRecords(p, opts, problems, special, includedFunctions, this::displayName,
                (src, start, end, owner) -> addPiece(src, start, end, owner)).keep();
    }

    // ---- regenerated and carried tables ----------------------------------------------------

    /** ftrace call-site tables are not diffed: one entry per included function with a profiling call. */
    private void regenerateProfilingTables() {
        boolean pfe = p.elf.section("__patchable_function_entries") != null;
        boolean mcount = p.elf.section("__mcount_loc") != null || !pfe;
        List<Symbol[]> entries = new ArrayList<>();
        for (Symbol src : includedOrder) {
            Symbol copy = outSym.get(src);
            if (copy != null && p.profilingCallOffset(src) >= 0) {
                entries.add(new Symbol[] {src, copy});
            }
        }
        if (entries.isEmpty()) {
            return;
        }
        if (mcount) {
            Section src = p.elf.section("__mcount_loc");
            writeCallSites("__mcount_loc", src == null ? Elf.SHF_ALLOC : src.flags() & ~Elf.SHF_GROUP, entries, null);
        }
        if (pfe) {
            Section src = p.elf.section("__patchable_function_entries");
            long flags = src.flags() & ~Elf.SHF_GROUP;
            if ((flags & Elf.SHF_LINK_ORDER) != 0) {
                Map<Section, List<Symbol[]>> bySection = new LinkedHashMap<>();
                for (Symbol[] e : entries) {
                    bySection.computeIfAbsent(e[1].section(), k -> new ArrayList<>()).add(e);
                }
                for (Map.Entry<Section, List<Symbol[]>> e : bySection.entrySet()) {
                    writeCallSites("__patchable_function_entries", flags, e.getValue(), e.getKey());
                }
            } else {
                writeCallSites("__patchable_function_entries", flags, entries, null);
            }
        }
    }

    private void writeCallSites(String name, long flags, List<Symbol[]> entries, Section linkTo) {
        Section s = new Section(name, Elf.SHT_PROGBITS).setFlags(flags).setAddralign(8).setEntsize(8);
        s.setLink(linkTo);
        out.addSectionBefore(out.section(".strtab"), s);
        s.setData(new byte[entries.size() * 8]);
        RelocationSection rela = new RelocationSection(".rela" + name, true, symtab, s);
        out.addSectionAfter(s, rela);
        for (int i = 0; i < entries.size(); i++) {
            Symbol src = entries.get(i)[0];
            rela.add(new Relocation(i * 8L, p.arch.absolute64(), entries.get(i)[1], p.profilingCallOffset(src)));
        }
    }

    /** {@code import_ns=} tags: the patch uses the same namespaced exports as the original code. */
    private void carryNamespaceImports() {
        List<Modinfo.Entry> imports = Modinfo.of(p.elf).map(m -> m.entries().stream()
                .filter(e -> e.key().equals("import_ns")).toList()).orElse(List.of());
        if (!imports.isEmpty()) {
            Section s = new Section(Modinfo.SECTION, Elf.SHT_PROGBITS).setFlags(Elf.SHF_ALLOC).setAddralign(1);
            out.addSectionBefore(out.section(".strtab"), s);
            s.setData(Modinfo.encode(imports));
        }
    }

    /** The global alias of each changed function, which the livepatch glue links against. */
    private void addAliases() {
        for (Symbol f : cs.changed) {
            Symbol c = outSym.get(f);
            if (c == null) {
                continue;
            }
            Symbol alias = new Symbol(aliasName(corr.origOf(f).name())).setBind(Elf.STB_GLOBAL).setType(Elf.STT_FUNC)
                    .setValue(c.value()).setSize(c.size()).setSection(c.section());
            symtab.add(alias);
        }
    }

    /** {@code kelp_new__<object>__<function>}, dots made underscores, long names shortened with a hash. */
    String aliasName(String function) {
        String obj = opts.object() == null || opts.object().isEmpty() ? "x" : opts.object().replace('-', '_');
        String n = "kelp_new__" + obj + "__" + function.replace('.', '_');
        if (n.length() > 120) {
            String h = Long.toHexString(com.dynatrace.hash4j.hashing.Hashing.xxh3_64().hashCharsToLong(n));
            n = n.substring(0, 120 - h.length() - 2) + "__" + h;
        }
        return n;
    }

    private void finish() {
        for (OutSection os : outSections.values()) {
            if (os.section.isNobits()) {
                os.section.setSize(os.size);
            } else {
                os.section.setData(Arrays.copyOf(os.data, (int) os.size));
            }
        }
        List<String> unitLocals = new ArrayList<>();
        for (Symbol y : o.elf.symbols()) {
            if (y.isLocal() && (y.isFunction() || y.isObject()) && !y.name().isEmpty()) {
                unitLocals.add(y.name());
            }
        }
        sideBand.write(out, symtab, p.arch.absolute64(), opts.object(), opts.unit() != null ? opts.unit() : o.path,
                this::sectionSymbol, unitLocals);
    }
}
