package dev.kelp.diff;

import dev.kelp.arch.Insn;
import dev.kelp.arch.InsnDecoder;
import dev.kelp.arch.InsnKind;
import dev.kelp.elf.Relocation;
import dev.kelp.elf.Section;
import dev.kelp.elf.Symbol;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Instruction geometry of an object's code sections: where each instruction starts (decoded
 * symbol by symbol, cached per section), how far a PC-relative field is from the end of its
 * instruction, and whether a byte belongs to a direct call or jump.
 */
final class InsnGeometry {
    private final DiffArch arch;
    private final Function<Section, Symbol[]> symbolsIn;
    private final IndexedMap<Section, int[]> insnStarts;
    private final Insn insn = new Insn();

    /** {@code symbolsIn}: the named symbols of a section sorted by value (each is decoded from its start). */
    InsnGeometry(DiffArch arch, int sectionCount, Function<Section, Symbol[]> symbolsIn) {
        this.arch = arch;
        this.symbolsIn = symbolsIn;
        this.insnStarts = new IndexedMap<>(sectionCount, Section::index);
    }

    /**
     * Distance from the relocated field to the end of its instruction, for PC-relative
     * relocations in code: the CPU adds the displacement to the next instruction's address, so
     * the place the relocation aims at is addend + this bias. Zero in data.
     */
    int bias(Section where, Relocation r) {
        if (!arch.isPcRelative(r.type())) {
            return 0;
        }
        int field = arch.fieldSize(r.type());
        if (!where.isExecutable()) {
            return 0;
        }
        int[] starts = starts(where);
        int i = Arrays.binarySearch(starts, (int) r.offset());
        if (i < 0) {
            i = -i - 2;
        }
        if (i < 0) {
            return field;
        }
        byte[] code = where.data();
        InsnDecoder d = arch.decoder();
        d.decode(code, starts[i], code.length, starts[i], insn);
        long end = (long) starts[i] + insn.length;
        if (end < r.offset() + field || end - r.offset() > arch.decoder().maxLength()) {
            return field;
        }
        return (int) (end - r.offset());
    }

    /** Whether the instruction holding the byte at {@code offset} is a direct call or jump. */
    boolean isBranchAt(Section code, long offset) {
        int[] starts = starts(code);
        int i = Arrays.binarySearch(starts, (int) offset);
        if (i < 0) {
            i = -i - 2;
        }
        if (i < 0) {
            return false;
        }
        byte[] d = code.data();
        arch.decoder().decode(d, starts[i], d.length, starts[i], insn);
        return insn.kind == InsnKind.CALL || insn.kind == InsnKind.JUMP
                || insn.kind == InsnKind.COND_JUMP;
    }

    /** Instruction start offsets of a code section, decoding each symbol's extent separately. */
    int[] starts(Section s) {
        int[] cached = insnStarts.get(s);
        if (cached != null) {
            return cached;
        }
        byte[] code = s.data();
        Symbol[] syms = symbolsIn.apply(s);
        long[] bounds = new long[syms.length + 1];
        int nb = 0;
        for (Symbol y : syms) {
            bounds[nb++] = y.value();
        }
        bounds[nb++] = code.length;
        Arrays.sort(bounds, 0, nb);
        int[] out = new int[Math.max(16, code.length / 3)];
        int n = 0;
        int pos = 0;
        InsnDecoder d = arch.decoder();
        int b = 0;
        while (pos < code.length) {
            while (b < nb && bounds[b] <= pos) {
                b++;
            }
            int limit = b < nb ? (int) Math.min(bounds[b], code.length) : code.length;
            while (pos < limit) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                out[n++] = pos;
                pos += Math.max(1, d.decode(code, pos, code.length, pos, insn));
            }
            pos = Math.max(pos, limit);
        }
        int[] res = Arrays.copyOf(out, n);
        insnStarts.put(s, res);
        return res;
    }
}
