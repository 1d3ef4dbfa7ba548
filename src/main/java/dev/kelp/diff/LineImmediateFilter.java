package dev.kelp.diff;

import dev.kelp.arch.ImmediateField;
import dev.kelp.arch.RelocIndex;
import dev.kelp.elf.Relocation;
import dev.kelp.elf.Symbol;
import java.util.List;

/**
 * Decides that a function whose checksum changed is nevertheless the same code: the two
 * versions have the same size and the same relocations, and every differing byte lies in an
 * immediate that the architecture layer identifies as a {@code __LINE__} argument of a
 * line-reporting helper (WARN, might_sleep, printk... see {@link dev.kelp.arch.Arch#lineImmediates}).
 * Adding a line above a function shifts {@code __LINE__} everywhere below it; that must not
 * count as a change.
 */
final class LineImmediateFilter {
    private final ObjectIndex orig;
    private final ObjectIndex patched;
    private final FunctionChecksum origSums;
    private final FunctionChecksum patchedSums;

    LineImmediateFilter(ObjectIndex orig, ObjectIndex patched, FunctionChecksum origSums,
            FunctionChecksum patchedSums) {
        this.orig = orig;
        this.patched = patched;
        this.origSums = origSums;
        this.patchedSums = patchedSums;
    }

    /** True if the two versions differ only in line-number immediates. */
    boolean onlyLineNumbersDiffer(Symbol o, Symbol p) {
        if (o.size() != p.size() || o.section().isNobits() || p.section().isNobits()) {
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
        int len = (int) o.size();
        boolean[] maskable = new boolean[len];
        markLineFields(orig, o, ro, maskable);
        boolean[] maskableP = new boolean[len];
        markLineFields(patched, p, rp, maskableP);
        boolean[] relocated = new boolean[len];
        for (Relocation r : ro) {
            int at = (int) (r.offset() - o.value());
            for (int k = 0; k < orig.arch.fieldSize(r.type()) && at + k < len; k++) {
                relocated[at + k] = true;
            }
        }
        byte[] co = o.section().data();
        byte[] cp = p.section().data();
        int so = (int) o.value();
        int sp = (int) p.value();
        boolean sawDifference = false;
        for (int i = 0; i < len; i++) {
            if (co[so + i] != cp[sp + i] && !relocated[i]) {
                if (!maskable[i] || !maskableP[i]) {
                    return false;
                }
                sawDifference = true;
            }
        }
        return sawDifference;
    }

    private static void markLineFields(ObjectIndex idx, Symbol f, List<Relocation> rel, boolean[] mask) {
        byte[] code = f.section().data();
        int start = (int) f.value();
        for (ImmediateField field : idx.arch.arch.lineImmediates(code, start, start + (int) f.size(), RelocIndex.of(rel))) {
            for (int k = 0; k < field.size(); k++) {
                int at = field.offset() - start + k;
                if (at >= 0 && at < mask.length) {
                    mask[at] = true;
                }
            }
        }
    }
}
