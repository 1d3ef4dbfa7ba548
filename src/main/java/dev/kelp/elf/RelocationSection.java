package dev.kelp.elf;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A SHT_RELA or SHT_REL section: relocations for {@link #target()} (sh_info), against the
 * symbols of {@link #symbolTable()} (sh_link). Several relocation sections may share a target
 * (e.g. {@code .rela.text.foo} and {@code .klp.rela.vmlinux.text.foo}).
 *
 * <p>Entries are parsed on the first call of {@link #relocations()}, so reading a file does not
 * cost anything for relocation sections nobody looks at. That first call may throw
 * {@link ElfFormatException} for a symbol index out of range.
 */
public final class RelocationSection extends Section {
    private Section target;
    private ArrayList<Relocation> relocations;
    /** Where the entries come from until parsed; null once parsed or for a new section. */
    private String fileName;
    private long sourceOffset;
    private Symbol[] symbolsAsRead;
    /** The byte order of the file the entries were read from (the model's may change since). */
    private java.nio.ByteOrder sourceOrder;

    /** A new, empty SHT_RELA (rela = true) or SHT_REL section. */
    public RelocationSection(String name, boolean rela, SymbolTable symtab, Section target) {
        this(name, rela ? Elf.SHT_RELA : Elf.SHT_REL);
        setLink(symtab);
        this.target = target;
        this.relocations = new ArrayList<>();
        setFlags(Elf.SHF_INFO_LINK);
    }

    RelocationSection(String name, int type) {
        super(name, type);
        setAddralign(8);
        setEntsize(type == Elf.SHT_RELA ? Elf.RELA_SIZE : Elf.REL_SIZE);
    }

    public boolean isRela() {
        return type() == Elf.SHT_RELA;
    }

    /** The section these relocations apply to (sh_info), or null (dynamic relocations). */
    public Section target() {
        return target;
    }

    public RelocationSection setTarget(Section target) {
        this.target = target;
        changed();
        return this;
    }

    /** The symbol table the entries index (same as {@link #link()}), or null. */
    public SymbolTable symbolTable() {
        return link() instanceof SymbolTable t ? t : null;
    }

    public boolean isLivepatch() {
        return hasFlag(Elf.SHF_RELA_LIVEPATCH);
    }

    /** The live, editable list of entries (parsed on first call). */
    public List<Relocation> relocations() {
        if (relocations == null) {
            relocations = parse();
        }
        return relocations;
    }

    public Relocation add(Relocation r) {
        relocations().add(Objects.requireNonNull(r, "relocation"));
        return r;
    }

    /** Number of entries, without parsing them. */
    public int count() {
        if (relocations != null) {
            return relocations.size();
        }
        return (int) (super.sizeOfSource() / entrySize());
    }

    private int entrySize() {
        return isRela() ? Elf.RELA_SIZE : Elf.REL_SIZE;
    }

    @Override
    public long size() {
        return (long) count() * entrySize();
    }

    /** Whether the entries have been parsed (or set) already. */
    public boolean isParsed() {
        return relocations != null;
    }

    void deferParse(String fileName, long sourceOffset, Symbol[] symbols, java.nio.ByteOrder order) {
        this.sourceOrder = order;
        this.fileName = fileName;
        this.sourceOffset = sourceOffset;
        this.symbolsAsRead = symbols;
        this.relocations = null;
    }

    void setTargetRaw(Section target) {
        this.target = target;
    }

    private ArrayList<Relocation> parse() {
        if (fileName == null) {
            return new ArrayList<>();
        }
        ByteBuffer b = contents().order(sourceOrder);
        int es = entrySize();
        int n = b.capacity() / es;
        boolean rela = isRela();
        Symbol[] syms = symbolsAsRead;
        ArrayList<Relocation> out = new ArrayList<>(n);
        for (int i = 0, off = 0; i < n; i++, off += es) {
            long rOffset = b.getLong(off + Elf.R_OFFSET);
            long rInfo = b.getLong(off + Elf.R_INFO);
            long addend = rela ? b.getLong(off + Elf.R_ADDEND) : 0;
            long symIndex = rInfo >>> 32;
            Symbol sym = null;
            if (symIndex != 0) {
                if (syms == null || symIndex >= syms.length) {
                    throw new ElfFormatException(fileName, "relocation " + i + " in " + name() + ": symbol index "
                            + symIndex + " out of range (" + (syms == null ? "no symbol table" : (syms.length
                            + " symbols")) + ")", sourceOffset + off + 8);
                }
                sym = syms[(int) symIndex];
            }
            out.add(new Relocation(rOffset, (int) rInfo, sym, addend));
        }
        fileName = null;
        symbolsAsRead = null;
        return out;
    }

    /** The writer encodes this section from its model: edit the model instead. */
    @Override
    public Section setData(byte[] data) {
        throw new UnsupportedOperationException(name() + " is encoded from its model: edit that instead");
    }
}
