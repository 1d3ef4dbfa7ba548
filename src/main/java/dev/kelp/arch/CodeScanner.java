package dev.kelp.arch;

import dev.kelp.elf.Relocation;
import java.util.List;

/**
 * Walks the instructions of a byte range (normally one function inside its section) together
 * with the relocations that fall inside each instruction. This is the primitive the differ uses
 * to normalize code: mask relocated fields, compare non-relocated branch targets symbolically,
 * mask line-number immediates.
 *
 * <p>Offsets are those of the buffer (section-relative when the buffer is the section's data);
 * {@link Insn#address} equals {@link Insn#offset}, so {@link Insn#target()} of a non-relocated
 * branch is a section offset. One {@link Insn} is reused for all instructions.
 *
 * <pre>{@code
 * CodeScanner s = new CodeScanner(arch, data, fnStart, fnEnd, relocs);
 * while (s.next()) {
 *     Insn i = s.insn();
 *     Relocation r = s.immediateReloc();   // e.g. the callee of a call
 *     ...
 * }
 * }</pre>
 */
public final class CodeScanner {
    private final InsnDecoder decoder;
    private final byte[] code;
    private final int end;
    private final RelocIndex relocs;
    private final int relocEnd;
    private final Insn insn = new Insn();
    private int pos;
    private int nextReloc;
    private int firstInInsn;
    private int endInInsn;

    /**
     * @param relocs relocations of the section holding {@code code} (offsets relative to
     *               {@code code[0]}), in any order; those outside {@code [start, end)} are ignored
     */
    public CodeScanner(Arch arch, byte[] code, int start, int end, List<Relocation> relocs) {
        this(arch, code, start, end, RelocIndex.of(relocs));
    }

    /** As above, with the section's relocations indexed once by the caller. */
    public CodeScanner(Arch arch, byte[] code, int start, int end, RelocIndex relocs) {
        if (start < 0 || end > code.length || start > end) {
            throw new IllegalArgumentException("range [" + start + ", " + end + ") outside buffer of " + code.length);
        }
        this.decoder = arch.decoder();
        this.code = code;
        this.end = end;
        this.pos = start;
        this.relocs = relocs;
        this.nextReloc = relocs.firstAtOrAfter(start);
        this.relocEnd = relocs.firstAtOrAfter(end);
    }

    /** Decodes the next instruction; false when the range is exhausted. */
    public boolean next() {
        if (pos >= end) {
            return false;
        }
        int len = decoder.decode(code, pos, end, pos, insn);
        firstInInsn = nextReloc;
        while (nextReloc < relocEnd && relocs.get(nextReloc).offset() < pos + len) {
            nextReloc++;
        }
        endInInsn = nextReloc;
        pos += len;
        return true;
    }

    /** The current instruction (the same object every time). */
    public Insn insn() {
        return insn;
    }

    /** Number of relocations whose field starts inside the current instruction. */
    public int relocCount() {
        return endInInsn - firstInInsn;
    }

    /** The i-th relocation inside the current instruction, by offset. */
    public Relocation reloc(int i) {
        return relocs.get(firstInInsn + i);
    }

    /** The relocation on the immediate field (x86: the callee of {@code call}/{@code jmp}), or null. */
    public Relocation immediateReloc() {
        return insn.immSize == 0 ? null : relocAtField(insn.immOffset);
    }

    /** The relocation on the displacement field (e.g. a RIP-relative data reference), or null. */
    public Relocation displacementReloc() {
        return insn.dispSize == 0 ? null : relocAtField(insn.dispOffset);
    }

    /** The relocation whose field starts {@code fieldOffset} bytes into the current instruction, or null. */
    public Relocation relocAtField(int fieldOffset) {
        long at = (long) insn.offset + fieldOffset;
        for (int i = firstInInsn; i < endInInsn; i++) {
            if (relocs.get(i).offset() == at) {
                return relocs.get(i);
            }
        }
        return null;
    }

    /**
     * The name of the symbol a relocation refers to; for a section symbol, the section's name.
     */
    public static String symbolName(Relocation r) {
        if (r.symbol() == null) {
            return "";
        }
        if (r.symbol().isSection() && r.symbol().section() != null) {
            return r.symbol().section().name();
        }
        return r.symbol().name();
    }

    /**
     * The offset within the relocation's target that the current instruction refers to: for a
     * PC-relative type the addend plus the distance from the field to the end of the instruction
     * (see {@link RelocType#referencedOffset}); for an absolute type the addend.
     */
    public long referencedOffset(RelocType type, Relocation r) {
        int fieldToEnd = (int) (insn.offset + insn.length - r.offset());
        return type.referencedOffset(r.addend(), fieldToEnd);
    }

    @Override
    public String toString() {
        return "CodeScanner at " + pos + " of " + end + ", " + (relocEnd - nextReloc) + " relocations ahead";
    }
}
