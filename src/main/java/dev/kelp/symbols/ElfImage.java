package dev.kelp.symbols;

import dev.kelp.util.KelpException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The little of ELF64 (little-endian) that symbol loading needs: section headers and the
 * symbol table. Read-only view over bytes already in memory (a decompressed vmlinux, a .ko).
 * Kept local to this package until dev.kelp.elf offers the same; it never writes ELF.
 */
final class ElfImage {
    static final int SHT_SYMTAB = 2;
    static final int SHT_NOBITS = 8;
    static final long SHF_WRITE = 0x1;
    static final long SHF_ALLOC = 0x2;
    static final long SHF_EXECINSTR = 0x4;
    static final int SHN_UNDEF = 0;
    static final int SHN_LORESERVE = 0xff00;
    static final int SHN_ABS = 0xfff1;
    static final int SHN_COMMON = 0xfff2;
    static final int SHN_XINDEX = 0xffff;
    static final int STB_LOCAL = 0;
    static final int STB_GLOBAL = 1;
    static final int STB_WEAK = 2;
    static final int STB_GNU_UNIQUE = 10;
    static final int STT_OBJECT = 1;
    static final int STT_SECTION = 3;
    static final int STT_FILE = 4;

    record Section(int index, String name, int type, long flags, long addr, long offset, long size, int link,
            long entsize) {
        boolean has(long flag) {
            return (flags & flag) != 0;
        }
    }

    record Sym(int index, String name, long value, long size, int bind, int type, int shndx) {}

    private final String what;
    private final ByteBuffer buf;
    private final List<Section> sections;

    private ElfImage(String what, ByteBuffer buf, List<Section> sections) {
        this.what = what;
        this.buf = buf;
        this.sections = sections;
    }

    static boolean isElf(byte[] data) {
        return data.length >= 4 && data[0] == 0x7f && data[1] == 'E' && data[2] == 'L' && data[3] == 'F';
    }

    /** Parses the headers; {@code what} names the file in error messages. */
    static ElfImage parse(String what, byte[] data) {
        if (!isElf(data)) {
            throw new KelpException(what + ": not an ELF file");
        }
        if (data.length < 64 || data[4] != 2 || data[5] != 1) {
            throw new KelpException(what + ": not a 64-bit little-endian ELF file (kelp reads x86-64 kernels)");
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        long shoff = b.getLong(0x28);
        int shentsize = Short.toUnsignedInt(b.getShort(0x3a));
        int shnum = Short.toUnsignedInt(b.getShort(0x3c));
        int shstrndx = Short.toUnsignedInt(b.getShort(0x3e));
        if (shoff == 0) {
            return new ElfImage(what, b, List.of());
        }
        if (shentsize != 64 || shoff < 0 || shoff + 64L > data.length) {
            throw new KelpException(what + ": corrupt ELF section header table");
        }
        if (shnum == 0) {
            shnum = (int) b.getLong((int) shoff + 0x20);
        }
        if (shstrndx == SHN_XINDEX) {
            shstrndx = b.getInt((int) shoff + 0x28);
        }
        if (shoff + 64L * shnum > data.length || shstrndx >= shnum) {
            throw new KelpException(what + ": corrupt ELF section header table");
        }
        long[][] raw = new long[shnum][];
        for (int i = 0; i < shnum; i++) {
            int o = (int) shoff + 64 * i;
            raw[i] = new long[] {Integer.toUnsignedLong(b.getInt(o)), Integer.toUnsignedLong(b.getInt(o + 4)),
                b.getLong(o + 8), b.getLong(o + 16), b.getLong(o + 24), b.getLong(o + 32),
                Integer.toUnsignedLong(b.getInt(o + 40)), b.getLong(o + 56)};
        }
        long strOff = raw[shstrndx][4];
        List<Section> secs = new ArrayList<>(shnum);
        for (int i = 0; i < shnum; i++) {
            long[] r = raw[i];
            String name = cString(data, strOff + r[0], what);
            secs.add(new Section(i, name, (int) r[1], r[2], r[3], r[4], r[5], (int) r[6], r[7]));
        }
        return new ElfImage(what, b, List.copyOf(secs));
    }

    List<Section> sections() {
        return sections;
    }

    Optional<Section> section(String name) {
        return sections.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The file's bytes; positions are file offsets. */
    ByteBuffer bytes() {
        return buf;
    }

    /** The symbol table, in table order (entry 0 included), or empty if there is none. */
    List<Sym> symbols() {
        Section symtab = sections.stream().filter(s -> s.type() == SHT_SYMTAB).findFirst().orElse(null);
        if (symtab == null) {
            return List.of();
        }
        if (symtab.link() >= sections.size() || symtab.offset() + symtab.size() > buf.capacity()) {
            throw new KelpException(what + ": corrupt .symtab section header");
        }
        Section strtab = sections.get(symtab.link());
        byte[] data = buf.array();
        int n = (int) (symtab.size() / 24);
        List<Sym> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int o = (int) symtab.offset() + 24 * i;
            long nameOff = Integer.toUnsignedLong(buf.getInt(o));
            int info = buf.get(o + 4) & 0xff;
            int shndx = Short.toUnsignedInt(buf.getShort(o + 6));
            String name = nameOff == 0 ? "" : cString(data, strtab.offset() + nameOff, what);
            out.add(new Sym(i, name, buf.getLong(o + 8), buf.getLong(o + 16), info >> 4, info & 0xf, shndx));
        }
        return out;
    }

    /** The build-id from the GNU build-id note, as hex, if the image carries one. */
    Optional<String> buildId() {
        for (Section s : sections) {
            if (s.type() != 7 || s.offset() + s.size() > buf.capacity()) {
                continue;
            }
            int p = (int) s.offset();
            int end = (int) (s.offset() + s.size());
            while (p + 12 <= end) {
                int namesz = buf.getInt(p);
                int descsz = buf.getInt(p + 4);
                int type = buf.getInt(p + 8);
                int nameAt = p + 12;
                int descAt = nameAt + align4(namesz);
                if (namesz < 0 || descsz < 0 || descAt + descsz > end) {
                    break;
                }
                if (type == 3 && namesz == 4 && buf.get(nameAt) == 'G' && buf.get(nameAt + 1) == 'N'
                        && buf.get(nameAt + 2) == 'U') {
                    StringBuilder hex = new StringBuilder();
                    for (int i = 0; i < descsz; i++) {
                        hex.append(String.format("%02x", buf.get(descAt + i) & 0xff));
                    }
                    return Optional.of(hex.toString());
                }
                p = descAt + align4(descsz);
            }
        }
        return Optional.empty();
    }

    private static int align4(int n) {
        return (n + 3) & ~3;
    }

    static String cString(byte[] data, long off, String what) {
        if (off < 0 || off >= data.length) {
            throw new KelpException(what + ": string table offset " + off + " is outside the file");
        }
        int start = (int) off;
        int end = start;
        while (end < data.length && data[end] != 0) {
            end++;
        }
        return new String(data, start, end - start, StandardCharsets.ISO_8859_1);
    }
}
