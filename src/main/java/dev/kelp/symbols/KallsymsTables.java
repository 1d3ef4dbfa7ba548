package dev.kelp.symbols;

import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Section;
import dev.kelp.util.KelpException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the kallsyms tables that scripts/kallsyms compiled into a vmlinux, without symbols: the
 * tables are found by their structure inside the section that holds them (.rodata).
 *
 * <p>What is searched for (see docs/symbols.md for the layout by kernel version):
 * <ol>
 * <li>{@code kallsyms_token_index}: 256 u16 offsets, the first 0, each step ≥ 2, pointing at the
 *     256 NUL-terminated strings of {@code kallsyms_token_table}, which ends just before it (up to
 *     alignment padding). Single-character tokens must stand for themselves.</li>
 * <li>{@code kallsyms_num_syms} N, directly followed (after alignment) by
 *     {@code kallsyms_names}: N entries, each a length (ULEB128, 1 or 2 bytes) and that many
 *     token bytes, whose expansion starts with the type letter; then
 *     {@code kallsyms_markers}: the offset of every 256th entry.</li>
 * <li>{@code kallsyms_offsets} (N × s32) with {@code kallsyms_relative_base} (u64), either
 *     just before num_syms (6.1 to 6.3 layout) or just after the token index (later layout); or
 *     {@code kallsyms_addresses} (N × u64) before num_syms (kernels without
 *     CONFIG_KALLSYMS_BASE_RELATIVE). The candidate that decodes to ascending kernel addresses
 *     wins.</li>
 * </ol>
 * {@code kallsyms_seqs_of_names} (6.1+, name-sorted index) is not needed: the list is read in
 * index order, which is the order livepatch counts in.
 */
final class KallsymsTables {
    private static final long KERNEL_HALF = 0xffff800000000000L;
    private static final int MAX_SYMS = 1 << 24;
    /** More than one marker to check: no real kernel has fewer symbols. */
    private static final int MIN_SYMS = 257;

    /** Where the tables were found and how addresses are encoded (for --json and diagnostics). */
    record Layout(String section, long tokenTable, long tokenIndex, long numSyms, long names, long markers,
            long offsets, long relativeBase, String addressMode) {}

    record Result(Layout layout, List<RawSym> symbols) {}

    private final Section sec;
    private final ByteBuffer buf;
    private final int start;
    private final int end;

    private KallsymsTables(Section sec) {
        this.sec = sec;
        this.buf = sec.contents().order(ByteOrder.LITTLE_ENDIAN);
        this.start = 0;
        this.end = buf.capacity();
    }

    /** Reads the tables from the first section that holds them; fails with a clear error otherwise. */
    static Result read(String what, ElfFile elf) {
        List<Section> candidates = new ArrayList<>();
        Section rodata = elf.section(".rodata");
        if (rodata != null) {
            candidates.add(rodata);
        }
        for (Section s : elf.sections()) {
            if (s.isAlloc() && !s.isExecutable() && !s.isNobits() && s != rodata) {
                candidates.add(s);
            }
        }
        for (Section s : candidates) {
            Optional<Result> r = new KallsymsTables(s).find();
            if (r.isPresent()) {
                return r.get();
            }
        }
        throw new KelpException(what + ": no kallsyms tables found (kernel built without CONFIG_KALLSYMS,"
                + " or a table layout kelp does not know); pass --kallsyms with a copy of /proc/kallsyms instead");
    }

    private long addr(int pos) {
        return sec.addr() + pos;
    }

    private int alignUp(int pos, int a) {
        long ad = addr(pos);
        long r = Math.floorMod(ad, (long) a);
        return r == 0 ? pos : pos + (int) (a - r);
    }

    private int u16(int pos) {
        return Short.toUnsignedInt(buf.getShort(pos));
    }

    private long u32(int pos) {
        return Integer.toUnsignedLong(buf.getInt(pos));
    }

    private Optional<Result> find() {
        for (int p = alignUp(start, 4); p + 512 <= end; p += 4) {
            if (u16(p) != 0 || u16(p + 2) < 2) {
                continue;
            }
            Tokens tokens = tokensAt(p);
            if (tokens == null) {
                continue;
            }
            Optional<Result> r = findNames(tokens);
            if (r.isPresent()) {
                return r;
            }
        }
        return Optional.empty();
    }

    /** The token table and its index (positions in the section) and the 256 token strings. */
    private record Tokens(int table, int index, String[] strings) {}

    /** Addresses in kallsyms order, where their table and base were found, and the encoding. */
    private record Addresses(long[] values, int table, int base, String mode) {}

    /** The token table whose index is at {@code p}, or null if {@code p} is not a token index. */
    private Tokens tokensAt(int p) {
        int[] idx = new int[256];
        for (int i = 0; i < 256; i++) {
            idx[i] = u16(p + 2 * i);
            if (i > 0 && (idx[i] - idx[i - 1] < 2 || idx[i] - idx[i - 1] > 1024)) {
                return null;
            }
        }
        // The table ends at p, minus alignment padding; its last string is non-empty.
        int q = p - 1;
        while (q > start && q > p - 9 && buf.get(q) == 0) {
            q--;
        }
        int lastStart = q;
        while (lastStart > start && buf.get(lastStart - 1) != 0) {
            lastStart--;
        }
        int table = lastStart - idx[255];
        if (table < start || buf.get(q) == 0) {
            return null;
        }
        String[] tokens = new String[256];
        for (int i = 0; i < 256; i++) {
            int from = table + idx[i];
            int to = i < 255 ? table + idx[i + 1] - 1 : q + 1;
            if (buf.get(to) != 0) {
                return null;
            }
            byte[] b = new byte[to - from];
            for (int k = 0; k < b.length; k++) {
                b[k] = buf.get(from + k);
                if (b[k] == 0) {
                    return null;
                }
            }
            tokens[i] = new String(b, StandardCharsets.ISO_8859_1);
            if (tokens[i].length() == 1 && tokens[i].charAt(0) != i) {
                return null;
            }
        }
        return new Tokens(table, p, tokens);
    }

    private Optional<Result> findNames(Tokens tokens) {
        for (int p = alignUp(start, 4); p + 8 <= end; p += 4) {
            long n = u32(p);
            if (n < MIN_SYMS || n > MAX_SYMS) {
                continue;
            }
            for (int names : new int[] {alignUp(p + 4, 8), p + 4}) {
                List<RawSym> syms = new ArrayList<>();
                int markers = parseNames(tokens.strings(), (int) n, names, syms);
                if (markers < 0) {
                    continue;
                }
                Optional<Addresses> addrs = addresses((int) n, p, tokens.index());
                if (addrs.isEmpty()) {
                    continue;
                }
                Addresses a = addrs.get();
                List<RawSym> out = new ArrayList<>(syms.size());
                for (int i = 0; i < syms.size(); i++) {
                    out.add(new RawSym(a.values()[i], syms.get(i).type(), syms.get(i).name()));
                }
                Layout layout = new Layout(sec.name(), addr(tokens.table()), addr(tokens.index()), addr(p),
                        addr(names), addr(markers), addr(a.table()), a.base() < 0 ? 0 : addr(a.base()), a.mode());
                return Optional.of(new Result(layout, List.copyOf(out)));
            }
        }
        return Optional.empty();
    }

    /**
     * Parses n compressed names at {@code pos}; returns the position of the markers table that
     * must follow (checked), or -1 if this is not the names table.
     */
    private int parseNames(String[] tokens, int n, int pos, List<RawSym> out) {
        if (!plausibleEntries(tokens, Math.min(n, 16), pos)) {
            return -1;
        }
        int p = pos;
        int[] marks = new int[(n + 255) / 256];
        StringBuilder sb = new StringBuilder(64);
        for (int i = 0; i < n; i++) {
            if (p + 2 > end) {
                return -1;
            }
            if ((i & 0xff) == 0) {
                marks[i >> 8] = p - pos;
            }
            int len = buf.get(p) & 0xff;
            p++;
            if ((len & 0x80) != 0) {
                len = (len & 0x7f) | ((buf.get(p) & 0xff) << 7);
                p++;
            }
            if (len == 0 || p + len > end) {
                return -1;
            }
            sb.setLength(0);
            for (int k = 0; k < len; k++) {
                sb.append(tokens[buf.get(p + k) & 0xff]);
            }
            p += len;
            if (sb.length() < 2 || !Character.isLetter(sb.charAt(0)) || sb.charAt(0) > 'z') {
                return -1;
            }
            out.add(new RawSym(0, sb.charAt(0), sb.substring(1)));
        }
        for (int m : new int[] {alignUp(p, 8), alignUp(p, 4)}) {
            if (m + 4L * marks.length > end) {
                continue;
            }
            boolean ok = true;
            for (int k = 0; k < marks.length && ok; k++) {
                ok = u32(m + 4 * k) == marks[k];
            }
            if (ok) {
                return m;
            }
        }
        return -1;
    }

    /** Cheap first look at a few entries before committing to a full parse. */
    private boolean plausibleEntries(String[] tokens, int count, int pos) {
        int p = pos;
        for (int i = 0; i < count; i++) {
            if (p + 2 > end) {
                return false;
            }
            int len = buf.get(p) & 0xff;
            p++;
            if ((len & 0x80) != 0) {
                len = (len & 0x7f) | ((buf.get(p) & 0xff) << 7);
                p++;
            }
            if (len == 0 || p + len > end) {
                return false;
            }
            String first = tokens[buf.get(p) & 0xff];
            char type = first.charAt(0);
            if (!(type >= 'A' && type <= 'Z' || type >= 'a' && type <= 'z')) {
                return false;
            }
            p += len;
        }
        return true;
    }

    /** Decodes the N addresses from the first table placement that gives ascending kernel addresses. */
    private Optional<Addresses> addresses(int n, int numSyms, int tokenIndex) {
        List<int[]> relative = new ArrayList<>();
        // 6.1 to 6.3: offsets, relative_base, num_syms.
        int rb = numSyms - 8;
        relative.add(new int[] {rb - 4 * n, rb});
        relative.add(new int[] {rb - 4 * n - 4, rb});
        // Later kernels: ..., token_index, offsets, relative_base.
        int after = alignUp(tokenIndex + 512, 8);
        relative.add(new int[] {after, alignUp(after + 4 * n, 8)});
        for (int[] c : relative) {
            if (c[0] < start || c[1] + 8 > end || addr(c[0]) % 4 != 0) {
                continue;
            }
            long base = buf.getLong(c[1]);
            if (Long.compareUnsigned(base, KERNEL_HALF) < 0) {
                continue;
            }
            Optional<Addresses> a = decodeRelative(n, c[0], c[1], base);
            if (a.isPresent()) {
                return a;
            }
        }
        int abs = numSyms - 8 * n;
        if (abs >= start && addr(abs) % 8 == 0) {
            long[] a = new long[n];
            for (int i = 0; i < n; i++) {
                a[i] = buf.getLong(abs + 8 * i);
            }
            if (ascendingToKernel(a)) {
                return Optional.of(new Addresses(a, abs, -1, "absolute (kallsyms_addresses)"));
            }
        }
        return Optional.empty();
    }

    private Optional<Addresses> decodeRelative(int n, int at, int baseAt, long base) {
        // With CONFIG_KALLSYMS_ABSOLUTE_PERCPU the last (highest) symbol is stored negative.
        boolean absolutePercpu = buf.getInt(at + 4 * (n - 1)) < 0;
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            int off = buf.getInt(at + 4 * i);
            if (!absolutePercpu) {
                a[i] = base + Integer.toUnsignedLong(off);
            } else if (off >= 0) {
                a[i] = off;
            } else {
                a[i] = base - 1 - off;
            }
        }
        if (!ascendingToKernel(a)) {
            return Optional.empty();
        }
        return Optional.of(new Addresses(a, at, baseAt,
                absolutePercpu ? "base-relative, absolute percpu" : "base-relative"));
    }

    private static boolean ascendingToKernel(long[] a) {
        int n = a.length;
        for (int i = 1; i < n; i++) {
            if (Long.compareUnsigned(a[i - 1], a[i]) > 0) {
                return false;
            }
        }
        return Long.compareUnsigned(a[n - 1], KERNEL_HALF) >= 0;
    }
}
