package dev.kelp.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * One section of an {@link ElfFile}. References to other sections ({@link #link()},
 * {@link #infoSection()}) are object references; their numeric indices are computed when the
 * file is written or {@link ElfFile#reindex() reindexed}.
 *
 * <p>Contents are loaded lazily: a section read from a file keeps a view of the mapped file until
 * {@link #data()} copies it to the heap. Symbol tables, relocation sections and groups are
 * structured subclasses whose contents the writer encodes from their model; string tables that
 * hold section or symbol names are rebuilt by the writer.
 */
public class Section {
    private String name;
    private final int type;
    private long flags;
    private long addr;
    private long addralign;
    private long entsize;
    private Section link;
    private Section infoSection;
    private int info;
    private long nobitsSize;
    /** Read-only view of the contents as read (or last written); null for new sections. */
    private ByteBuffer source;
    /** Contents on the heap, after {@link #data()} or {@link #setData(byte[])}. */
    private byte[] data;
    int index = -1;
    long fileOffset = -1;
    ElfFile owner;

    /** A new, empty section of the given type (SHT_*). */
    public Section(String name, int type) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = type;
        this.addralign = 1;
    }

    public String name() {
        return name;
    }

    public Section setName(String name) {
        this.name = Objects.requireNonNull(name, "name");
        changed();
        return this;
    }

    /** SHT_* value. Fixed at creation: the subclass depends on it. */
    public int type() {
        return type;
    }

    public long flags() {
        return flags;
    }

    public Section setFlags(long flags) {
        this.flags = flags;
        return this;
    }

    public boolean hasFlag(long flag) {
        return (flags & flag) != 0;
    }

    public long addr() {
        return addr;
    }

    public Section setAddr(long addr) {
        this.addr = addr;
        return this;
    }

    public long addralign() {
        return addralign;
    }

    public Section setAddralign(long addralign) {
        this.addralign = addralign;
        return this;
    }

    public long entsize() {
        return entsize;
    }

    public Section setEntsize(long entsize) {
        this.entsize = entsize;
        return this;
    }

    /** The section sh_link refers to, or null. */
    public Section link() {
        return link;
    }

    public Section setLink(Section link) {
        this.link = link;
        return this;
    }

    /**
     * The section sh_info refers to when it is a section index (SHF_INFO_LINK), else null.
     * For relocation sections use {@link RelocationSection#target()}.
     */
    public Section infoSection() {
        return infoSection;
    }

    public Section setInfoSection(Section infoSection) {
        this.infoSection = infoSection;
        return this;
    }

    /** Raw sh_info, written as is when it is not a section or symbol reference. */
    public int info() {
        return info;
    }

    public Section setInfo(int info) {
        this.info = info;
        return this;
    }

    public boolean isNobits() {
        return type == Elf.SHT_NOBITS;
    }

    public boolean isAlloc() {
        return hasFlag(Elf.SHF_ALLOC);
    }

    public boolean isExecutable() {
        return hasFlag(Elf.SHF_EXECINSTR);
    }

    /** sh_size: the NOBITS size, or the length of the contents. */
    public long size() {
        if (isNobits()) {
            return nobitsSize;
        }
        if (data != null) {
            return data.length;
        }
        return source == null ? 0 : source.capacity();
    }

    /** Sets the size of a NOBITS section (other sections take their size from their data). */
    public Section setSize(long size) {
        if (!isNobits()) {
            throw new IllegalStateException("section " + name + " is not NOBITS: set its data instead");
        }
        this.nobitsSize = size;
        return this;
    }

    /**
     * The contents as a byte array (loaded on first call and kept; an empty array for NOBITS).
     * The array is live: changes to it are written. For structured sections (symbol tables,
     * relocations, groups) this is the encoding as last read or written, not the model.
     */
    public byte[] data() {
        if (data == null) {
            if (isNobits() || source == null) {
                data = new byte[0];
            } else {
                byte[] copy = new byte[source.capacity()];
                source.duplicate().get(copy);
                data = copy;
            }
        }
        return data;
    }

    /** Replaces the contents (not for NOBITS or structured sections). */
    public Section setData(byte[] data) {
        if (isNobits()) {
            throw new IllegalStateException("section " + name + " is NOBITS: use setSize");
        }
        this.data = Objects.requireNonNull(data, "data");
        this.source = null;
        return this;
    }

    /**
     * The contents as a read-only buffer in the file's byte order, without copying a mapped
     * section to the heap (use this to hash or scan large sections).
     */
    public ByteBuffer contents() {
        ByteBuffer b;
        if (data != null) {
            b = ByteBuffer.wrap(data).asReadOnlyBuffer();
        } else if (source != null && !isNobits()) {
            b = source.duplicate();
        } else {
            b = ByteBuffer.allocate(0);
        }
        b.order(owner == null ? ByteOrder.LITTLE_ENDIAN : owner.byteOrder());
        return b;
    }

    /** Whether the contents are on the heap (loaded or set) rather than only mapped. */
    public boolean isLoaded() {
        return data != null;
    }

    /**
     * Section header index: valid after read, and after {@link ElfFile#write} or
     * {@link ElfFile#reindex()}; -1 for a section never indexed.
     */
    public int index() {
        return index;
    }

    /** sh_offset as read or last written; -1 for a new section. */
    public long fileOffset() {
        return fileOffset;
    }

    /** The file this section belongs to, or null before it is added. */
    public ElfFile file() {
        return owner;
    }

    /** Length of the raw contents (heap or mapped), whatever the subclass models. */
    final long sizeOfSource() {
        if (data != null) {
            return data.length;
        }
        return source == null ? 0 : source.capacity();
    }

    void setSource(ByteBuffer source) {
        this.source = source;
        this.data = null;
    }

    void setNobitsSizeRaw(long size) {
        this.nobitsSize = size;
    }

    /** Tells the owner that names or relations changed, so its lookup caches are rebuilt. */
    final void changed() {
        if (owner != null) {
            owner.structureChanged();
        }
    }

    @Override
    public String toString() {
        return "[" + index + "] " + name;
    }
}
