package dev.kelp.elf;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A SHT_SYMTAB (or SHT_DYNSYM) section. {@link #symbols()} is the live, editable list without
 * the null symbol. Its string table is {@link #link()}; the writer rebuilds that table from the
 * symbol names.
 *
 * <p>Order rule: the writer keeps the list order except that it moves every local symbol
 * (STB_LOCAL) before every non-local one, each group keeping its relative order (a stable
 * partition). The list itself is reordered that way on write/reindex, so symbol {@code i} is
 * {@code symbols().get(i - 1)} afterwards. A list that already has its locals first is written
 * in exactly that order: indices are stable, as livepatch modules require.
 */
public final class SymbolTable extends Section {
    private final ArrayList<Symbol> symbols = new ArrayList<>();
    /** Symbols by their index in the file as read (index 0 = null), for lazy relocation parsing. */
    Symbol[] asRead = new Symbol[1];

    /** A new, empty SHT_SYMTAB section using the given string table. */
    public SymbolTable(String name, Section stringTable) {
        this(name, Elf.SHT_SYMTAB);
        setLink(stringTable);
    }

    SymbolTable(String name, int type) {
        super(name, type);
        setAddralign(8);
        setEntsize(Elf.SYM_SIZE);
    }

    /** The live list of symbols (index 1 onwards), editable. */
    public List<Symbol> symbols() {
        return symbols;
    }

    /** The string table holding the symbol names (same as {@link #link()}). */
    public Section stringTable() {
        return link();
    }

    /** Appends a symbol and returns it. */
    public Symbol add(Symbol symbol) {
        symbols.add(Objects.requireNonNull(symbol, "symbol"));
        return symbol;
    }

    public boolean remove(Symbol symbol) {
        return symbols.remove(symbol);
    }

    /** The symbol at a file index (1-based) as of the last read/reindex, or null for 0. */
    public Symbol symbol(int index) {
        if (index == 0) {
            return null;
        }
        Symbol s = index - 1 < symbols.size() ? symbols.get(index - 1) : null;
        if (s == null || s.index != index) {
            throw new IllegalStateException("symbol index " + index + " is not current in " + name()
                    + ": call ElfFile.reindex() after editing");
        }
        return s;
    }

    /** Number of local symbols plus one (the null symbol): what sh_info holds. */
    public int firstNonLocal() {
        int locals = 0;
        for (Symbol s : symbols) {
            if (s.isLocal()) {
                locals++;
            }
        }
        return locals + 1;
    }

    @Override
    public long size() {
        return (long) (symbols.size() + 1) * Elf.SYM_SIZE;
    }

    /** Stable partition (locals first) and index assignment. */
    void reorderAndIndex() {
        boolean ordered = true;
        boolean seenGlobal = false;
        for (Symbol s : symbols) {
            if (!s.isLocal()) {
                seenGlobal = true;
            } else if (seenGlobal) {
                ordered = false;
                break;
            }
        }
        if (!ordered) {
            List<Symbol> globals = new ArrayList<>();
            List<Symbol> locals = new ArrayList<>();
            for (Symbol s : symbols) {
                (s.isLocal() ? locals : globals).add(s);
            }
            symbols.clear();
            symbols.addAll(locals);
            symbols.addAll(globals);
        }
        for (int i = 0; i < symbols.size(); i++) {
            symbols.get(i).index = i + 1;
        }
    }

    /** After a write, later lazy lookups resolve against the written order. */
    void snapshotIndices() {
        asRead = new Symbol[symbols.size() + 1];
        for (int i = 0; i < symbols.size(); i++) {
            asRead[i + 1] = symbols.get(i);
        }
    }

    /** The writer encodes this section from its model: edit the model instead. */
    @Override
    public Section setData(byte[] data) {
        throw new UnsupportedOperationException(name() + " is encoded from its model: edit that instead");
    }
}
