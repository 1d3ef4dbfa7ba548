package dev.kelp.elf;

import dev.kelp.util.KelpException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes an {@link ElfFile} (ET_REL). Layout: ELF header, then section contents in section
 * order (each at its alignment, NOBITS taking no space), then the section header table.
 * Indices are computed here; every reference is checked to point into the written file.
 */
final class ElfWriter {
    private final ElfFile elf;
    private final ByteOrder order;
    private List<Section> fileSections;
    private int count;
    private final Map<Section, ByteBuffer> encoded = new IdentityHashMap<>();
    private final Map<Section, StringTableBuilder> stringTables = new IdentityHashMap<>();
    private long[] offsets;
    private long[] sizes;
    private long shoff;
    private long total;

    ElfWriter(ElfFile elf) {
        this.elf = elf;
        this.order = elf.byteOrder();
    }

    /** A hidden SHT_SYMTAB_SHNDX section placed after the symbol table that needs it. */
    static final class ExtendedIndexSection extends Section {
        final SymbolTable symtab;

        ExtendedIndexSection(SymbolTable symtab) {
            super(".symtab_shndx", Elf.SHT_SYMTAB_SHNDX);
            this.symtab = symtab;
            setAddralign(4);
            setEntsize(4);
        }

        @Override
        public long size() {
            return 4L * (symtab.symbols().size() + 1);
        }
    }

    /**
     * Assigns symbol and section indices; returns the sections in file order including the
     * hidden extended index sections (not including the null section).
     */
    static List<Section> layoutIndices(ElfFile elf) {
        if (elf.shstrtab() == null) {
            Section s = new Section(".shstrtab", Elf.SHT_STRTAB);
            elf.addSection(s);
            elf.setShstrtab(s);
        }
        List<Section> sections = elf.sectionList();
        for (Section s : sections) {
            if (s instanceof SymbolTable t) {
                t.reorderAndIndex();
            }
        }
        // A symbol table needs an extended index section when one of its symbols lives in a
        // section whose index is >= SHN_LORESERVE; adding one only raises later indices, so
        // repeat until no further table needs one.
        Map<SymbolTable, Boolean> needs = new IdentityHashMap<>();
        List<Section> order;
        while (true) {
            order = new ArrayList<>(sections.size() + 2);
            for (Section s : sections) {
                s.index = order.size() + 1;
                order.add(s);
                if (s instanceof SymbolTable t && needs.containsKey(t)) {
                    ExtendedIndexSection x = new ExtendedIndexSection(t);
                    x.index = order.size() + 1;
                    order.add(x);
                }
            }
            boolean added = false;
            for (Section s : sections) {
                if (s instanceof SymbolTable t && !needs.containsKey(t) && needsExtendedIndices(t)) {
                    needs.put(t, true);
                    added = true;
                }
            }
            if (!added) {
                break;
            }
        }
        Section[] table = new Section[order.size() + 1];
        for (Section s : order) {
            if (!(s instanceof ExtendedIndexSection)) {
                table[s.index] = s;
            }
        }
        elf.setIndexTable(table);
        return order;
    }

    private static boolean needsExtendedIndices(SymbolTable t) {
        for (Symbol s : t.symbols()) {
            Section sec = s.section();
            if (sec != null && sec.index >= Elf.SHN_LORESERVE) {
                return true;
            }
        }
        return false;
    }

    void write(Path path) {
        prepare(path.toString());
        Path dir = path.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + path.getFileName() + ".", ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                emit((at, src) -> {
                    long pos = at;
                    while (src.hasRemaining()) {
                        pos += ch.write(src, pos);
                    }
                });
                if (ch.size() < total) {
                    ch.write(ByteBuffer.allocate(1), total - 1);
                }
            }
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: keep the default permissions.
            }
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
        } catch (IOException e) {
            throw new KelpException(path + ": cannot write: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // Best effort: the temporary file is hidden and named after the output.
                }
            }
        }
        finish();
    }

    byte[] toBytes() {
        prepare(elf.name());
        if (total > Integer.MAX_VALUE - 8) {
            throw new KelpException(elf.name() + ": cannot encode in memory: " + total + " bytes");
        }
        byte[] out = new byte[(int) total];
        ByteBuffer whole = ByteBuffer.wrap(out);
        try {
            emit((at, src) -> whole.put((int) at, src, src.position(), src.remaining()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // memory sinks do not fail
        }
        finish();
        return out;
    }

    private interface Sink {
        void put(long at, ByteBuffer src) throws IOException;
    }

    private void prepare(String target) {
        if (elf.type() != Elf.ET_REL) {
            throw new KelpException(target + ": cannot write " + elf.name()
                    + ": only relocatable objects (ET_REL) can be written, this is e_type " + elf.type());
        }
        fileSections = layoutIndices(elf);
        count = fileSections.size() + 1;
        Validator.check(elf, fileSections, target);
        buildStringTables();
        encodeStructured();
        layout();
    }

    private void buildStringTables() {
        StringTableBuilder names = new StringTableBuilder();
        stringTables.put(elf.shstrtab(), names);
        for (Section s : fileSections) {
            names.add(s.name());
        }
        for (Section s : fileSections) {
            if (s instanceof SymbolTable t && t.link() != null) {
                StringTableBuilder b = stringTables.computeIfAbsent(t.link(), k -> new StringTableBuilder());
                for (Symbol sym : t.symbols()) {
                    b.add(sym.name());
                }
            }
        }
        for (Map.Entry<Section, StringTableBuilder> e : stringTables.entrySet()) {
            e.getValue().build();
            encoded.put(e.getKey(), ByteBuffer.wrap(e.getValue().toBytes()));
        }
    }

    private void encodeStructured() {
        for (Section s : fileSections) {
            if (s instanceof SymbolTable t) {
                encodeSymbols(t);
            } else if (s instanceof RelocationSection r) {
                encodeRelocations(r);
            } else if (s instanceof GroupSection g) {
                encodeGroup(g);
            }
        }
    }

    private void encodeSymbols(SymbolTable t) {
        List<Symbol> syms = t.symbols();
        StringTableBuilder names = stringTables.get(t.link());
        ByteBuffer b = ByteBuffer.allocate((syms.size() + 1) * Elf.SYM_SIZE).order(order);
        ByteBuffer x = null;
        for (Section s : fileSections) {
            if (s instanceof ExtendedIndexSection e && e.symtab == t) {
                x = ByteBuffer.allocate((syms.size() + 1) * 4).order(order);
                encoded.put(e, x);
            }
        }
        for (int i = 0; i < syms.size(); i++) {
            Symbol s = syms.get(i);
            int off = (i + 1) * Elf.SYM_SIZE;
            b.putInt(off + Elf.ST_NAME, names == null ? 0 : names.offset(s.name()));
            b.put(off + Elf.ST_INFO, (byte) s.info());
            b.put(off + Elf.ST_OTHER, (byte) s.other());
            int shndx = s.shndx();
            if (s.section() != null && shndx >= Elf.SHN_LORESERVE) {
                x.putInt((i + 1) * 4, shndx);
                shndx = Elf.SHN_XINDEX;
            }
            b.putShort(off + Elf.ST_SHNDX, (short) shndx);
            b.putLong(off + Elf.ST_VALUE, s.value());
            b.putLong(off + Elf.ST_SIZE, s.size());
        }
        encoded.put(t, b);
    }

    private void encodeRelocations(RelocationSection r) {
        List<Relocation> rels = r.relocations();
        boolean rela = r.isRela();
        int es = rela ? Elf.RELA_SIZE : Elf.REL_SIZE;
        ByteBuffer b = ByteBuffer.allocate(rels.size() * es).order(order);
        int off = 0;
        for (Relocation rel : rels) {
            long sym = rel.symbol() == null ? 0 : rel.symbol().index();
            b.putLong(off + Elf.R_OFFSET, rel.offset());
            b.putLong(off + Elf.R_INFO, (sym << 32) | (rel.type() & 0xffffffffL));
            if (rela) {
                b.putLong(off + Elf.R_ADDEND, rel.addend());
            }
            off += es;
        }
        encoded.put(r, b);
    }

    private void encodeGroup(GroupSection g) {
        ByteBuffer b = ByteBuffer.allocate(4 * (g.members().size() + 1)).order(order);
        b.putInt(0, g.groupFlags());
        int off = 4;
        for (Section m : g.members()) {
            b.putInt(off, m.index);
            off += 4;
        }
        encoded.put(g, b);
    }

    private void layout() {
        offsets = new long[count];
        sizes = new long[count];
        long pos = Elf.EHDR_SIZE;
        for (Section s : fileSections) {
            ByteBuffer e = encoded.get(s);
            long size = e != null ? e.capacity() : s.size();
            long align = Math.max(1, s.addralign());
            long at = align(pos, align);
            offsets[s.index] = at;
            sizes[s.index] = size;
            if (!s.isNobits()) {
                pos = at + size;
            }
        }
        shoff = align(pos, 8);
        total = shoff + (long) count * Elf.SHDR_SIZE;
    }

    private static long align(long pos, long align) {
        if (Long.bitCount(align) != 1) {
            return pos;
        }
        return (pos + align - 1) & -align;
    }

    private void emit(Sink out) throws IOException {
        out.put(0, header());
        for (Section s : fileSections) {
            if (s.isNobits()) {
                continue;
            }
            ByteBuffer e = encoded.get(s);
            ByteBuffer src = e != null ? e.duplicate().position(0) : s.contents().position(0);
            if (src.remaining() > 0) {
                out.put(offsets[s.index], src);
            }
        }
        out.put(shoff, sectionHeaders());
    }

    private ByteBuffer header() {
        ByteBuffer h = ByteBuffer.allocate(Elf.EHDR_SIZE).order(order);
        h.put(0, (byte) 0x7f).put(1, (byte) 'E').put(2, (byte) 'L').put(3, (byte) 'F');
        h.put(Elf.EI_CLASS, (byte) Elf.ELFCLASS64);
        h.put(Elf.EI_DATA, (byte) (order == ByteOrder.LITTLE_ENDIAN ? Elf.ELFDATA2LSB : Elf.ELFDATA2MSB));
        h.put(Elf.EI_VERSION, (byte) Elf.EV_CURRENT);
        h.put(Elf.EI_OSABI, (byte) elf.osabi());
        h.put(Elf.EI_ABIVERSION, (byte) elf.abiVersion());
        h.putShort(Elf.E_TYPE, (short) elf.type());
        h.putShort(Elf.E_MACHINE, (short) elf.machine());
        h.putInt(Elf.E_VERSION, elf.version());
        h.putLong(Elf.E_ENTRY, elf.entry());
        h.putLong(Elf.E_PHOFF, 0);
        h.putLong(Elf.E_SHOFF, shoff);
        h.putInt(Elf.E_FLAGS, elf.flags());
        h.putShort(Elf.E_EHSIZE, (short) Elf.EHDR_SIZE);
        h.putShort(Elf.E_PHENTSIZE, (short) 0);
        h.putShort(Elf.E_PHNUM, (short) 0);
        h.putShort(Elf.E_SHENTSIZE, (short) Elf.SHDR_SIZE);
        h.putShort(Elf.E_SHNUM, (short) (count >= Elf.SHN_LORESERVE ? 0 : count));
        int shstrndx = elf.shstrtab().index;
        h.putShort(Elf.E_SHSTRNDX, (short) (shstrndx >= Elf.SHN_LORESERVE ? Elf.SHN_XINDEX : shstrndx));
        return h;
    }

    private ByteBuffer sectionHeaders() {
        ByteBuffer b = ByteBuffer.allocate(count * Elf.SHDR_SIZE).order(order);
        // Section 0 stays zero unless extended numbering needs its size or link field.
        if (count >= Elf.SHN_LORESERVE) {
            b.putLong(Elf.SH_SIZE, count);
        }
        int shstrndx = elf.shstrtab().index;
        if (shstrndx >= Elf.SHN_LORESERVE) {
            b.putInt(Elf.SH_LINK, shstrndx);
        }
        StringTableBuilder names = stringTables.get(elf.shstrtab());
        for (Section s : fileSections) {
            int h = s.index * Elf.SHDR_SIZE;
            b.putInt(h + Elf.SH_NAME, names.offset(s.name()));
            b.putInt(h + Elf.SH_TYPE, s.type());
            b.putLong(h + Elf.SH_FLAGS, s.flags());
            b.putLong(h + Elf.SH_ADDR, s.addr());
            b.putLong(h + Elf.SH_OFFSET, offsets[s.index]);
            b.putLong(h + Elf.SH_SIZE, sizes[s.index]);
            b.putInt(h + Elf.SH_LINK, linkOf(s));
            b.putInt(h + Elf.SH_INFO, infoOf(s));
            b.putLong(h + Elf.SH_ADDRALIGN, s.addralign());
            b.putLong(h + Elf.SH_ENTSIZE, entsizeOf(s));
        }
        return b;
    }

    /** Structured sections always get their ELF64 entry size. */
    private static long entsizeOf(Section s) {
        if (s instanceof SymbolTable) {
            return Elf.SYM_SIZE;
        }
        if (s instanceof RelocationSection r) {
            return r.isRela() ? Elf.RELA_SIZE : Elf.REL_SIZE;
        }
        if (s instanceof GroupSection || s instanceof ExtendedIndexSection) {
            return 4;
        }
        return s.entsize();
    }

    private static int linkOf(Section s) {
        if (s instanceof ExtendedIndexSection x) {
            return x.symtab.index;
        }
        return s.link() == null ? 0 : s.link().index;
    }

    private static int infoOf(Section s) {
        if (s instanceof SymbolTable t) {
            return t.firstNonLocal();
        }
        if (s instanceof RelocationSection r) {
            return r.target() == null ? 0 : r.target().index;
        }
        if (s instanceof GroupSection g) {
            return g.signature() == null ? 0 : g.signature().index;
        }
        if (s instanceof ExtendedIndexSection) {
            return 0;
        }
        return s.infoSection() != null ? s.infoSection().index : s.info();
    }

    /** After a successful write the model describes the written file. */
    private void finish() {
        for (Section s : fileSections) {
            if (s instanceof ExtendedIndexSection) {
                continue;
            }
            s.fileOffset = offsets[s.index];
            ByteBuffer e = encoded.get(s);
            if (e != null) {
                s.setSource(e.asReadOnlyBuffer().order(order));
            }
            if (s instanceof SymbolTable t) {
                t.snapshotIndices();
            }
        }
    }
}
