package dev.kelp.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An ELF64 file in memory: header fields, sections (without the null section and without
 * SHT_SYMTAB_SHNDX, which the writer regenerates) and, through them, symbols and relocations.
 *
 * <p>All cross references are object references; {@link #reindex()} (called by
 * {@link #write(Path)}) computes section and symbol indices. See docs/elf.md for the rules.
 * Not thread-safe: contents and relocations are loaded lazily.
 */
public final class ElfFile {
    private final String name;
    private ByteOrder byteOrder;
    private int osabi;
    private int abiVersion;
    private int type;
    private int machine;
    private int version = Elf.EV_CURRENT;
    private long entry;
    private int flags;
    private int programHeaderCount;
    private int[] programHeaderTypes = new int[0];
    private final ArrayList<Section> sections = new ArrayList<>();
    private Section shstrtab;
    /** Lookup caches, rebuilt after a structural change. */
    private Map<String, Section> byName;
    /** Sections by header index as of the last read/reindex (null at 0 and hidden ones). */
    private Section[] indexTable;
    private Map<Section, List<RelocationSection>> relocsByTarget;
    private SymbolTable symtab;
    private boolean symtabKnown;

    ElfFile(String name, ByteOrder byteOrder, int type, int machine) {
        this.name = name;
        this.byteOrder = byteOrder;
        this.type = type;
        this.machine = machine;
    }

    /** A new, empty relocatable object (ET_REL). The writer adds .shstrtab if needed. */
    public static ElfFile create(ByteOrder byteOrder, int machine) {
        return new ElfFile("<new>", byteOrder, Elf.ET_REL, machine);
    }

    /**
     * Reads an ELF64 file. The file is mapped read-only; section contents stay in the mapping
     * until asked for. Throws {@link ElfFormatException} for any malformed input.
     */
    public static ElfFile read(Path path) {
        return ElfReader.read(path);
    }

    /** Reads an ELF64 image from memory; {@code name} names it in error messages. */
    public static ElfFile read(String name, ByteBuffer image) {
        return new ElfReader(name, image).read();
    }

    /** Reads an ELF64 image from a byte array. */
    public static ElfFile read(String name, byte[] image) {
        return read(name, ByteBuffer.wrap(image));
    }

    /** Writes the file (ET_REL only), replacing {@code path} atomically. Reindexes first. */
    public void write(Path path) {
        new ElfWriter(this).write(path);
    }

    /** The encoded file. Reindexes first. */
    public byte[] toBytes() {
        return new ElfWriter(this).toBytes();
    }

    /**
     * Computes section and symbol indices as the writer will: sections in list order (plus a
     * SHT_SYMTAB_SHNDX after a symbol table that needs one), symbols with locals first.
     */
    public void reindex() {
        ElfWriter.layoutIndices(this);
    }

    /** The name given when reading (the path), used in messages. */
    public String name() {
        return name;
    }

    public ByteOrder byteOrder() {
        return byteOrder;
    }

    /** Changes the byte order the writer uses for all ELF structures (not for section contents). */
    public ElfFile setByteOrder(ByteOrder byteOrder) {
        this.byteOrder = Objects.requireNonNull(byteOrder);
        return this;
    }

    public int osabi() {
        return osabi;
    }

    public ElfFile setOsabi(int osabi) {
        this.osabi = osabi;
        return this;
    }

    public int abiVersion() {
        return abiVersion;
    }

    public ElfFile setAbiVersion(int abiVersion) {
        this.abiVersion = abiVersion;
        return this;
    }

    /** e_type (ET_*) */
    public int type() {
        return type;
    }

    public ElfFile setType(int type) {
        this.type = type;
        return this;
    }

    /** e_machine (EM_*) */
    public int machine() {
        return machine;
    }

    public ElfFile setMachine(int machine) {
        this.machine = machine;
        return this;
    }

    public int version() {
        return version;
    }

    void setVersion(int version) {
        this.version = version;
    }

    public long entry() {
        return entry;
    }

    public ElfFile setEntry(long entry) {
        this.entry = entry;
        return this;
    }

    /** e_flags */
    public int flags() {
        return flags;
    }

    public ElfFile setFlags(int flags) {
        this.flags = flags;
        return this;
    }

    /** e_phnum as read (program headers are not modelled; such files cannot be written). */
    public int programHeaderCount() {
        return programHeaderCount;
    }

    void setProgramHeaderCount(int n) {
        this.programHeaderCount = n;
    }

    /** Whether a program header of this p_type exists (e.g. {@link Elf#PT_INTERP}: a dynamic loader). */
    public boolean hasProgramHeader(int type) {
        for (int t : programHeaderTypes) {
            if (t == type) {
                return true;
            }
        }
        return false;
    }

    void setProgramHeaderTypes(int[] types) {
        this.programHeaderTypes = types.clone();
    }

    public boolean isRelocatable() {
        return type == Elf.ET_REL;
    }

    /** Sections in file order, without the null section. Unmodifiable: use add/remove. */
    public List<Section> sections() {
        return Collections.unmodifiableList(sections);
    }

    /** The first section with this name, or null. */
    public Section section(String sectionName) {
        if (byName == null) {
            Map<String, Section> m = new HashMap<>(sections.size() * 2);
            for (Section s : sections) {
                m.putIfAbsent(s.name(), s);
            }
            byName = m;
        }
        return byName.get(sectionName);
    }

    /** All sections with this name, in order. */
    public List<Section> sectionsNamed(String sectionName) {
        List<Section> out = new ArrayList<>();
        for (Section s : sections) {
            if (s.name().equals(sectionName)) {
                out.add(s);
            }
        }
        return out;
    }

    /** The section at a header index as of the last read/reindex, or null if none. */
    public Section sectionAt(int index) {
        Section[] t = indexTable;
        return t == null || index <= 0 || index >= t.length ? null : t[index];
    }

    void setIndexTable(Section[] table) {
        this.indexTable = table;
    }

    /** The section holding the section names (e_shstrndx), or null. */
    public Section shstrtab() {
        return shstrtab;
    }

    public ElfFile setShstrtab(Section shstrtab) {
        this.shstrtab = shstrtab;
        return this;
    }

    /** The SHT_SYMTAB section, or null. */
    public SymbolTable symtab() {
        if (!symtabKnown) {
            symtab = null;
            for (Section s : sections) {
                if (s.type() == Elf.SHT_SYMTAB) {
                    symtab = (SymbolTable) s;
                    break;
                }
            }
            symtabKnown = true;
        }
        return symtab;
    }

    /** The symbols of {@link #symtab()} (live list), or an empty list. */
    public List<Symbol> symbols() {
        SymbolTable t = symtab();
        return t == null ? List.of() : t.symbols();
    }

    /** All SHT_REL/SHT_RELA sections in file order. */
    public List<RelocationSection> relocationSections() {
        List<RelocationSection> out = new ArrayList<>();
        for (Section s : sections) {
            if (s instanceof RelocationSection r) {
                out.add(r);
            }
        }
        return out;
    }

    /** The relocation sections whose target is {@code target} (often one, two for livepatch). */
    public List<RelocationSection> relocationsFor(Section target) {
        if (relocsByTarget == null) {
            Map<Section, List<RelocationSection>> m = new IdentityHashMap<>();
            for (Section s : sections) {
                if (s instanceof RelocationSection r && r.target() != null) {
                    m.computeIfAbsent(r.target(), k -> new ArrayList<>(1)).add(r);
                }
            }
            relocsByTarget = m;
        }
        List<RelocationSection> l = relocsByTarget.get(target);
        return l == null ? List.of() : Collections.unmodifiableList(l);
    }

    /** All SHT_GROUP sections in file order. */
    public List<GroupSection> groups() {
        List<GroupSection> out = new ArrayList<>();
        for (Section s : sections) {
            if (s instanceof GroupSection g) {
                out.add(g);
            }
        }
        return out;
    }

    /** Appends a section. */
    public <S extends Section> S addSection(S section) {
        return insertSection(sections.size(), section);
    }

    /** Inserts a section right after {@code after}. */
    public <S extends Section> S addSectionAfter(Section after, S section) {
        int i = positionOf(after);
        return insertSection(i + 1, section);
    }

    /** Inserts a section right before {@code before}. */
    public <S extends Section> S addSectionBefore(Section before, S section) {
        return insertSection(positionOf(before), section);
    }

    private <S extends Section> S insertSection(int position, S section) {
        Objects.requireNonNull(section, "section");
        if (section.owner != null) {
            throw new IllegalArgumentException("section " + section.name() + " already belongs to "
                    + section.owner.name());
        }
        section.owner = this;
        sections.add(position, section);
        structureChanged();
        return section;
    }

    private int positionOf(Section s) {
        for (int i = 0; i < sections.size(); i++) {
            if (sections.get(i) == s) {
                return i;
            }
        }
        throw new IllegalArgumentException("section " + s.name() + " is not in " + name);
    }

    /**
     * Removes a section and what cannot exist without it: the relocation sections that target
     * it, the symbols defined in it, and its membership in groups (a group left empty is
     * removed too). References from elsewhere (relocations against removed symbols, sh_link)
     * are the caller's to fix; the writer reports any that remain.
     */
    public void removeSection(Section section) {
        removeSections(List.of(section));
    }

    /**
     * {@link #removeSection} for many sections at once, in time linear in the size of the file
     * (removing them one by one would rescan the file each time).
     */
    public void removeSections(Collection<? extends Section> toRemove) {
        Set<Section> gone = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Section s : toRemove) {
            if (s.owner != this) {
                throw new IllegalArgumentException("section " + s.name() + " is not in " + name);
            }
            gone.add(s);
        }
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Section s : sections) {
                if (gone.contains(s)) {
                    continue;
                }
                if (s instanceof RelocationSection r && r.target() != null && gone.contains(r.target())) {
                    grew |= gone.add(s);
                } else if (s instanceof GroupSection g && g.members().removeIf(gone::contains) && g.members().isEmpty()) {
                    grew |= gone.add(s);
                }
            }
        }
        sections.removeIf(gone::contains);
        for (Section s : gone) {
            s.owner = null;
        }
        for (Section s : sections) {
            if (s instanceof SymbolTable t) {
                t.symbols().removeIf(sym -> sym.section() != null && gone.contains(sym.section()));
            }
        }
        if (shstrtab != null && gone.contains(shstrtab)) {
            shstrtab = null;
        }
        structureChanged();
    }

    /**
     * The symbols of {@link #symtab()} grouped by defining section, each list in symbol order
     * (a fresh map: build it once, not per section).
     */
    public Map<Section, List<Symbol>> symbolsBySection() {
        Map<Section, List<Symbol>> m = new IdentityHashMap<>();
        for (Symbol s : symbols()) {
            if (s.section() != null) {
                m.computeIfAbsent(s.section(), k -> new ArrayList<>(2)).add(s);
            }
        }
        return m;
    }

    /** The first symbol of {@link #symtab()} with this name, or null (a linear search). */
    public Symbol findSymbol(String symbolName) {
        for (Symbol s : symbols()) {
            if (s.name().equals(symbolName)) {
                return s;
            }
        }
        return null;
    }

    /** Removes a symbol from every symbol table of this file. */
    public void removeSymbol(Symbol symbol) {
        for (Section s : sections) {
            if (s instanceof SymbolTable t) {
                t.remove(symbol);
            }
        }
    }

    /** Invalidates the lookup caches (section names, relocation targets). */
    void structureChanged() {
        byName = null;
        relocsByTarget = null;
        symtabKnown = false;
    }

    /** Adds a section read from a file (the reader already set its index). */
    void addRead(Section s) {
        s.owner = this;
        sections.add(s);
        structureChanged();
    }

    ArrayList<Section> sectionList() {
        return sections;
    }

    @Override
    public String toString() {
        return name;
    }
}
