package dev.kelp.elf;

import java.util.ArrayList;
import java.util.List;

/**
 * A SHT_GROUP section (COMDAT and other section groups). Members are object references,
 * re-indexed on write; the signature symbol is sh_info (an index into {@link #link()}).
 */
public final class GroupSection extends Section {
    private int groupFlags;
    private Symbol signature;
    private final ArrayList<Section> members = new ArrayList<>();

    /** A new group (flags e.g. {@link Elf#GRP_COMDAT}) whose signature lives in symtab. */
    public GroupSection(String name, SymbolTable symtab, Symbol signature, int groupFlags) {
        this(name);
        setLink(symtab);
        this.signature = signature;
        this.groupFlags = groupFlags;
    }

    GroupSection(String name) {
        super(name, Elf.SHT_GROUP);
        setAddralign(4);
        setEntsize(4);
    }

    /** The flags word (first word of the contents), e.g. GRP_COMDAT. */
    public int groupFlags() {
        return groupFlags;
    }

    public GroupSection setGroupFlags(int groupFlags) {
        this.groupFlags = groupFlags;
        return this;
    }

    public boolean isComdat() {
        return (groupFlags & Elf.GRP_COMDAT) != 0;
    }

    /** The signature symbol (may be null in malformed or hand-made files). */
    public Symbol signature() {
        return signature;
    }

    public GroupSection setSignature(Symbol signature) {
        this.signature = signature;
        return this;
    }

    /** The live, editable member list. */
    public List<Section> members() {
        return members;
    }

    @Override
    public long size() {
        return 4L * (members.size() + 1);
    }

    /** The writer encodes this section from its model: edit the model instead. */
    @Override
    public Section setData(byte[] data) {
        throw new UnsupportedOperationException(name() + " is encoded from its model: edit that instead");
    }
}
