package dev.kelp.diff;

import com.dynatrace.hash4j.hashing.HashStream64;
import com.dynatrace.hash4j.hashing.Hashing;
import dev.kelp.elf.Relocation;
import dev.kelp.elf.Section;
import dev.kelp.elf.Symbol;
import java.util.Arrays;
import java.util.List;

/**
 * XXH3-64 of a symbol's extent, normalised so that two builds of the same code hash equal even
 * when the compiler numbered things differently or laid sections out in another order:
 * relocated fields are zeroed and each relocation contributes its place (relative to the
 * symbol), type, the target's name with numeric suffixes masked ({@link Names#mangle}) and its
 * addend relative to that target; string literals and merged constants count by content.
 * One instance per object and thread (it reuses its buffers).
 */
final class FunctionChecksum {
    private final ObjectIndex index;
    private final HashStream64 stream = Hashing.xxh3_64().hashStream();
    private byte[] scratch = new byte[256];

    FunctionChecksum(ObjectIndex index) {
        this.index = index;
    }

    /** Checksum of a symbol's bytes [value, value + size) and the relocations inside them. */
    long of(Symbol s) {
        return of(s.section(), s.value(), s.value() + s.size());
    }

    long of(Section sec, long start, long end) {
        stream.reset();
        int len = (int) (end - start);
        stream.putLong(len);
        if (sec.isNobits()) {
            return stream.getAsLong();
        }
        List<Relocation> rel = index.relocsIn(sec, start, end);
        byte[] data = sec.data();
        if (scratch.length < len) {
            scratch = new byte[Math.max(len, scratch.length * 2)];
        }
        int avail = (int) Math.max(0, Math.min(len, data.length - start));
        System.arraycopy(data, (int) start, scratch, 0, avail);
        Arrays.fill(scratch, avail, len, (byte) 0);
        for (Relocation r : rel) {
            int at = (int) (r.offset() - start);
            int size = index.arch.fieldSize(r.type());
            Arrays.fill(scratch, at, Math.min(len, at + size), (byte) 0);
        }
        stream.putBytes(scratch, 0, len);
        for (Relocation r : rel) {
            stream.putLong(r.offset() - start);
            stream.putInt(r.type());
            putTarget(index.resolve(sec, r));
        }
        return stream.getAsLong();
    }

    private void putTarget(RelocTarget t) {
        stream.putInt(t.kind().ordinal());
        switch (t.kind()) {
            case SYMBOL:
                stream.putString(index.mangled(t.symbol()));
                stream.putLong(t.addend());
                break;
            case STRING:
            case CONSTANT:
                stream.putString(t.content());
                stream.putLong(t.addend() - t.offset());
                break;
            case ANONYMOUS:
                stream.putString(Names.mangle(t.section().name()));
                // code reached through anonymous text (.altinstr_aux) moves with every unrelated
                // change: only data offsets are meaningful
                if (!t.section().isExecutable()) {
                    stream.putLong(t.addend());
                    stream.putLong(anonymousDigest(t.section(), t.offset()));
                }
                break;
            default:
                break;
        }
    }

    private final java.util.Map<String, Long> anonymousDigests = new java.util.HashMap<>();

    /**
     * The contents of the anonymous datum a function reads at {@code offset} (compound literals,
     * constant tables without a symbol), up to the next place anything points into that section:
     * a change there changes what the function does even when its code is identical. Compared
     * like a function (relocation targets by name, one level deep). Per-call-site compiler data
     * ({@code .data..L*}: UBSAN source locations with line numbers) is excluded: the patch always
     * carries a fresh copy of it.
     */
    private long anonymousDigest(Section sec, long offset) {
        String key = sec.index() + ":" + offset;
        Long d = anonymousDigests.get(key);
        if (d != null) {
            return d;
        }
        long digest = 0;
        long end = index.anonymousEnd(sec, offset);
        if (!sec.isNobits() && !Names.isSpecialStatic("", sec.name()) && offset >= 0 && end > offset
                && end <= sec.size()) {
            HashStream64 h = Hashing.xxh3_64().hashStream();
            byte[] data = java.util.Arrays.copyOfRange(sec.data(), (int) offset, (int) end);
            List<Relocation> rel = index.relocsIn(sec, offset, end);
            for (Relocation r : rel) {
                int at = (int) (r.offset() - offset);
                java.util.Arrays.fill(data, at, Math.min(data.length, at + index.arch.fieldSize(r.type())), (byte) 0);
            }
            h.putBytes(data);
            for (Relocation r : rel) {
                h.putLong(r.offset() - offset).putInt(r.type());
                RelocTarget t = index.resolve(sec, r);
                switch (t.kind()) {
                    case SYMBOL:
                        h.putString(index.mangled(t.symbol())).putLong(t.addend());
                        break;
                    case STRING:
                    case CONSTANT:
                        h.putString(t.content());
                        break;
                    case ANONYMOUS:
                        h.putString(Names.mangle(t.section().name())).putLong(t.addend());
                        break;
                    default:
                        break;
                }
            }
            digest = h.getAsLong();
        }
        anonymousDigests.put(key, digest);
        return digest;
    }

    /** A relocation's normalised target as text, for the line filter's relocation comparison. */
    String describe(Section sec, Relocation r) {
        RelocTarget t = index.resolve(sec, r);
        switch (t.kind()) {
            case SYMBOL:
                return r.type() + ":" + index.mangled(t.symbol()) + "+" + t.addend();
            case STRING:
            case CONSTANT:
                return r.type() + ":\"" + t.content() + "\"" + (t.addend() - t.offset());
            case ANONYMOUS:
                return r.type() + ":" + Names.mangle(t.section().name())
                        + (t.section().isExecutable() ? "" : "+" + t.addend() + "#" + anonymousDigest(t.section(), t.offset()));
            default:
                return r.type() + ":-";
        }
    }
}
