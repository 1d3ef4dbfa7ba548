package dev.kelp.elf;

import java.util.Objects;

/**
 * One ELF symbol. Its section is an object reference ({@link #section()}); symbols without a
 * section carry a special index instead ({@link #shndx()}: SHN_UNDEF, SHN_ABS, SHN_COMMON,
 * SHN_LIVEPATCH or another reserved value). The null symbol (index 0) is not modelled: a
 * relocation without a symbol has {@code symbol() == null}.
 */
public final class Symbol {
    private String name;
    private long value;
    private long size;
    private int bind;
    private int type;
    private int other;
    private Section section;
    private int special;
    int index = -1;

    /** A new undefined, local, untyped symbol. */
    public Symbol(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    Symbol(String name, long value, long size, int info, int other, Section section, int special) {
        this.name = name;
        this.value = value;
        this.size = size;
        this.bind = info >>> 4;
        this.type = info & 0xf;
        this.other = other;
        this.section = section;
        this.special = special;
    }

    public String name() {
        return name;
    }

    public Symbol setName(String name) {
        this.name = Objects.requireNonNull(name, "name");
        return this;
    }

    public long value() {
        return value;
    }

    public Symbol setValue(long value) {
        this.value = value;
        return this;
    }

    public long size() {
        return size;
    }

    public Symbol setSize(long size) {
        this.size = size;
        return this;
    }

    /** STB_* */
    public int bind() {
        return bind;
    }

    public Symbol setBind(int bind) {
        this.bind = bind & 0xf;
        return this;
    }

    /** STT_* */
    public int type() {
        return type;
    }

    public Symbol setType(int type) {
        this.type = type & 0xf;
        return this;
    }

    /** st_info as stored: bind in the high nibble, type in the low one. */
    public int info() {
        return (bind << 4) | type;
    }

    /** st_other (visibility in the low two bits). */
    public int other() {
        return other;
    }

    public Symbol setOther(int other) {
        this.other = other & 0xff;
        return this;
    }

    /** STV_* */
    public int visibility() {
        return other & 0x3;
    }

    public Symbol setVisibility(int visibility) {
        this.other = (other & ~0x3) | (visibility & 0x3);
        return this;
    }

    /** The defining section, or null for an undefined, absolute, common or livepatch symbol. */
    public Section section() {
        return section;
    }

    /** Defines the symbol in a section (clears any special index). */
    public Symbol setSection(Section section) {
        this.section = Objects.requireNonNull(section, "section");
        this.special = Elf.SHN_UNDEF;
        return this;
    }

    /**
     * Gives the symbol a special section index instead of a section: SHN_UNDEF, SHN_ABS,
     * SHN_COMMON, SHN_LIVEPATCH or another value in the reserved range.
     */
    public Symbol setSpecialIndex(int shndx) {
        if (shndx != Elf.SHN_UNDEF && (shndx < Elf.SHN_LORESERVE || shndx == Elf.SHN_XINDEX || shndx > 0xffff)) {
            throw new IllegalArgumentException("not a special section index: 0x" + Integer.toHexString(shndx));
        }
        this.section = null;
        this.special = shndx;
        return this;
    }

    /**
     * st_shndx as it would be written without extended numbering: the section's index when
     * the symbol has a section, else the special value.
     */
    public int shndx() {
        return section != null ? section.index() : special;
    }

    /** The special index (SHN_*) when {@link #section()} is null; SHN_UNDEF otherwise. */
    public int specialIndex() {
        return section != null ? Elf.SHN_UNDEF : special;
    }

    public boolean isLocal() {
        return bind == Elf.STB_LOCAL;
    }

    public boolean isGlobal() {
        return bind == Elf.STB_GLOBAL;
    }

    public boolean isWeak() {
        return bind == Elf.STB_WEAK;
    }

    public boolean isUndefined() {
        return section == null && special == Elf.SHN_UNDEF;
    }

    public boolean isAbsolute() {
        return section == null && special == Elf.SHN_ABS;
    }

    public boolean isCommon() {
        return section == null && special == Elf.SHN_COMMON;
    }

    public boolean isLivepatch() {
        return section == null && special == Elf.SHN_LIVEPATCH;
    }

    public boolean isSection() {
        return type == Elf.STT_SECTION;
    }

    public boolean isFunction() {
        return type == Elf.STT_FUNC;
    }

    public boolean isObject() {
        return type == Elf.STT_OBJECT;
    }

    public boolean isFile() {
        return type == Elf.STT_FILE;
    }

    /**
     * Index in its symbol table: valid after read, and after {@link ElfFile#write} or
     * {@link ElfFile#reindex()}; -1 for a symbol never indexed.
     */
    public int index() {
        return index;
    }

    @Override
    public String toString() {
        return "symbol " + index + " " + (name.isEmpty() && section != null ? section.name() : name);
    }
}
