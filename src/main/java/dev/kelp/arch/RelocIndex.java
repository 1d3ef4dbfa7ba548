package dev.kelp.arch;

import dev.kelp.elf.Relocation;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A section's relocations sorted by offset, for range and exact lookups by binary search. Build
 * one per section and pass it to the per-function calls ({@link CodeScanner},
 * {@link Arch#functionEntry}, {@link Arch#lineImmediates}): the {@code List} overloads sort the
 * whole list on every call, which is quadratic over a linked module's single .text.
 */
public final class RelocIndex {
    private final Relocation[] sorted;
    private final long[] offsets;

    private RelocIndex(Relocation[] sorted) {
        this.sorted = sorted;
        this.offsets = new long[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            offsets[i] = sorted[i].offset();
        }
    }

    /** Indexes {@code relocs} (any order; the list is not modified). */
    public static RelocIndex of(List<Relocation> relocs) {
        Relocation[] a = relocs.toArray(new Relocation[0]);
        Arrays.sort(a, Comparator.comparingLong(Relocation::offset));
        return new RelocIndex(a);
    }

    public int size() {
        return sorted.length;
    }

    /** The i-th relocation by offset. */
    public Relocation get(int i) {
        return sorted[i];
    }

    /** Index of the first relocation whose offset is {@code >= offset} ({@link #size()} if none). */
    public int firstAtOrAfter(long offset) {
        int lo = 0;
        int hi = offsets.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (offsets[mid] < offset) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The relocation at exactly {@code offset}, or null (the first one if several share it). */
    public Relocation at(long offset) {
        int i = firstAtOrAfter(offset);
        return i < offsets.length && offsets[i] == offset ? sorted[i] : null;
    }

    /** The relocations with offsets in {@code [start, end)}, by offset. */
    public List<Relocation> between(long start, long end) {
        return Arrays.asList(sorted).subList(firstAtOrAfter(start), firstAtOrAfter(end));
    }
}
