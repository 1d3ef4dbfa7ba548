package dev.kelp.diff;

import dev.kelp.arch.Insn;
import dev.kelp.arch.InsnDecoder;
import dev.kelp.arch.InsnKind;
import dev.kelp.elf.Relocation;
import dev.kelp.elf.Symbol;
import java.util.List;

/**
 * Decides that a function whose checksum changed is nevertheless the same code: every byte
 * difference is the immediate of a move into a line-argument register, and the next call is to
 * a helper that reports source lines (WARN, might_sleep, printk...). Adding a line above a
 * function shifts {@code __LINE__} everywhere below it; that must not count as a change.
 */
final class LineImmediateFilter {
    private final ObjectIndex orig;
    private final ObjectIndex patched;
    private final FunctionChecksum origSums;
    private final FunctionChecksum patchedSums;
    private final Insn a = new Insn();
    private final Insn b = new Insn();
    private final Insn scan = new Insn();

    LineImmediateFilter(ObjectIndex orig, ObjectIndex patched, FunctionChecksum origSums,
            FunctionChecksum patchedSums) {
        this.orig = orig;
        this.patched = patched;
        this.origSums = origSums;
        this.patchedSums = patchedSums;
    }

    /** True if the two versions differ only in line-number immediates. */
    boolean onlyLineNumbersDiffer(Symbol o, Symbol p) {
        if (o.size() != p.size()) {
            return false;
        }
        List<Relocation> ro = orig.relocsIn(o.section(), o.value(), o.value() + o.size());
        List<Relocation> rp = patched.relocsIn(p.section(), p.value(), p.value() + p.size());
        if (ro.size() != rp.size()) {
            return false;
        }
        for (int i = 0; i < ro.size(); i++) {
            if (ro.get(i).offset() - o.value() != rp.get(i).offset() - p.value()
                    || !origSums.describe(o.section(), ro.get(i)).equals(patchedSums.describe(p.section(), rp.get(i)))) {
                return false;
            }
        }
        byte[] co = o.section().data();
        byte[] cp = p.section().data();
        int so = (int) o.value();
        int sp = (int) p.value();
        int len = (int) o.size();
        InsnDecoder d = orig.arch.decoder();
        int pos = 0;
        boolean sawDifference = false;
        while (pos < len) {
            d.decode(co, so + pos, so + len, pos, a);
            d.decode(cp, sp + pos, sp + len, pos, b);
            if (a.length != b.length) {
                return false;
            }
            if (!sameBytes(co, so + pos, cp, sp + pos, a.length, ro, o.value())) {
                if (!isLineLoad(a) || !isLineLoad(b) || a.dstReg != b.dstReg
                        || !onlyImmediateDiffers(co, so + pos, cp, sp + pos, a)
                        || !nextCallReportsLines(cp, sp, len, pos + b.length, rp, p)) {
                    return false;
                }
                sawDifference = true;
            }
            pos += a.length;
        }
        return sawDifference;
    }

    private boolean isLineLoad(Insn i) {
        return i.kind == InsnKind.MOV_IMM && orig.arch.lineArgumentRegisters().contains(i.dstReg);
    }

    /** Compares instruction bytes, ignoring relocated fields (already known to be equal). */
    private boolean sameBytes(byte[] x, int xo, byte[] y, int yo, int n, List<Relocation> rel, long base) {
        for (int i = 0; i < n; i++) {
            if (x[xo + i] != y[yo + i] && !inRelocField(xo + i - (int) base, rel)) {
                return false;
            }
        }
        return true;
    }

    private boolean inRelocField(long off, List<Relocation> rel) {
        for (Relocation r : rel) {
            if (off >= r.offset() && off < r.offset() + orig.arch.fieldSize(r.type())) {
                return true;
            }
        }
        return false;
    }

    private static boolean onlyImmediateDiffers(byte[] x, int xo, byte[] y, int yo, Insn i) {
        for (int k = 0; k < i.length; k++) {
            boolean inImm = k >= i.immOffset && k < i.immOffset + i.immSize;
            if (!inImm && x[xo + k] != y[yo + k]) {
                return false;
            }
        }
        return true;
    }

    /** The first call after the load must go to a line-reporting helper. */
    private boolean nextCallReportsLines(byte[] code, int base, int len, int from, List<Relocation> rel, Symbol f) {
        InsnDecoder d = patched.arch.decoder();
        int pos = from;
        while (pos < len) {
            d.decode(code, base + pos, base + len, pos, scan);
            if (scan.kind == InsnKind.CALL || scan.kind == InsnKind.CALL_INDIRECT) {
                long field = f.value() + pos + scan.immOffset;
                if (scan.kind == InsnKind.CALL_INDIRECT) {
                    field = f.value() + pos + (scan.dispSize > 0 ? scan.dispOffset : scan.immOffset);
                }
                for (Relocation r : rel) {
                    if (r.offset() >= f.value() + pos && r.offset() < f.value() + pos + scan.length) {
                        Target t = patched.resolve(f.section(), r);
                        return t.kind() == Target.Kind.SYMBOL
                                && patched.arch.lineReportingFunctions().contains(Names.stripNumbers(t.symbol().name()));
                    }
                }
                return false;
            }
            pos += scan.length;
        }
        return false;
    }
}
