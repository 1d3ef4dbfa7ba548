package dev.kelp.qemu;

import dev.kelp.util.KelpException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The few facts kelp test needs from an ELF file before booting: the bytes of one named section
 * (a module's .modinfo), whether the program asks for a dynamic loader (busybox must be static
 * to run alone in an initramfs).
 * Deliberately tiny; the full ELF model is dev.kelp.elf.
 */
final class ElfPeek {
    private static final int PT_INTERP = 3;

    private final String what;
    private final ByteBuffer b;

    private ElfPeek(String what, byte[] bytes) {
        this.what = what;
        if (bytes.length < 64 || bytes[0] != 0x7f || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F') {
            throw new KelpException(what + ": not an ELF file");
        }
        if (bytes[4] != 2 || bytes[5] != 1) {
            throw new KelpException(what + ": not a 64-bit little-endian ELF file (class " + bytes[4]
                    + ", data " + bytes[5] + "); kelp test reads 64-bit little-endian ELF files only");
        }
        this.b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    static ElfPeek of(String what, byte[] bytes) {
        return new ElfPeek(what, bytes);
    }

    /** The contents of the section called NAME, if the file has one with file contents. */
    Optional<byte[]> section(String name) {
        long shoff = b.getLong(0x28);
        int shentsize = u16(0x3a);
        int shnum = u16(0x3c);
        int shstrndx = u16(0x3e);
        if (shoff == 0 || shnum == 0) {
            return Optional.empty();
        }
        check(shentsize >= 64 && shoff + (long) shnum * shentsize <= b.capacity() && shstrndx < shnum,
                "section header table out of bounds");
        long strOff = b.getLong(header(shoff, shentsize, shstrndx) + 0x18);
        long strSize = b.getLong(header(shoff, shentsize, shstrndx) + 0x20);
        check(strOff + strSize <= b.capacity(), "section name table out of bounds");
        for (int i = 0; i < shnum; i++) {
            int h = header(shoff, shentsize, i);
            long nameOff = Integer.toUnsignedLong(b.getInt(h));
            int type = b.getInt(h + 4);
            if (nameOff >= strSize || type == 8 /* SHT_NOBITS */) {
                continue;
            }
            if (name.equals(cString((int) (strOff + nameOff)))) {
                long off = b.getLong(h + 0x18);
                long size = b.getLong(h + 0x20);
                check(off + size <= b.capacity(), "section " + name + " out of bounds");
                byte[] data = new byte[(int) size];
                b.get((int) off, data);
                return Optional.of(data);
            }
        }
        return Optional.empty();
    }

    /** True when a program header of type PT_INTERP names a dynamic loader. */
    boolean isDynamicallyLinked() {
        long phoff = b.getLong(0x20);
        int phentsize = u16(0x36);
        int phnum = u16(0x38);
        check(phoff + (long) phnum * phentsize <= b.capacity(), "program header table out of bounds");
        for (int i = 0; i < phnum; i++) {
            if (b.getInt((int) (phoff + (long) i * phentsize)) == PT_INTERP) {
                return true;
            }
        }
        return false;
    }

    private int header(long shoff, int shentsize, int index) {
        return (int) (shoff + (long) index * shentsize);
    }

    private int u16(int off) {
        return Short.toUnsignedInt(b.getShort(off));
    }

    private String cString(int off) {
        int end = off;
        while (end < b.capacity() && b.get(end) != 0) {
            end++;
        }
        byte[] s = new byte[end - off];
        b.get(off, s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private void check(boolean ok, String problem) {
        if (!ok) {
            throw new KelpException(what + ": corrupt ELF file: " + problem);
        }
    }
}
