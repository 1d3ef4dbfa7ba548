package dev.kelp.elf;

/**
 * One relocation entry. {@link #symbol()} is null for symbol index 0. For SHT_REL sections the
 * addend lives in the section contents and {@link #addend()} is 0 (and not written).
 */
public final class Relocation {
    private long offset;
    private int type;
    private Symbol symbol;
    private long addend;

    public Relocation(long offset, int type, Symbol symbol, long addend) {
        this.offset = offset;
        this.type = type;
        this.symbol = symbol;
        this.addend = addend;
    }

    /** r_offset: the place to patch, relative to the target section (in ET_REL). */
    public long offset() {
        return offset;
    }

    public Relocation setOffset(long offset) {
        this.offset = offset;
        return this;
    }

    /** The machine-specific relocation type (low 32 bits of r_info). */
    public int type() {
        return type;
    }

    public Relocation setType(int type) {
        this.type = type;
        return this;
    }

    public Symbol symbol() {
        return symbol;
    }

    public Relocation setSymbol(Symbol symbol) {
        this.symbol = symbol;
        return this;
    }

    public long addend() {
        return addend;
    }

    public Relocation setAddend(long addend) {
        this.addend = addend;
        return this;
    }

    @Override
    public String toString() {
        return "reloc@0x" + Long.toHexString(offset) + " type " + type + " " + (symbol == null ? "-" : symbol.name())
                + (addend >= 0 ? "+" : "") + addend;
    }
}
