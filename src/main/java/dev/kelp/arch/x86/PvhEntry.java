package dev.kelp.arch.x86;

import dev.kelp.elf.Elf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Whether an x86-64 vmlinux can be entered through PVH: QEMU boots an ELF kernel directly when it
 * carries the Xen note XEN_ELFNOTE_PHYS32_ENTRY (18) in a PT_NOTE segment (CONFIG_PVH=y, as in
 * Debian), and that skips the bzImage's self-decompression.
 */
final class PvhEntry {
    static final String OWNER = "Xen";
    static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;

    private static final int PT_NOTE = 4;

    private PvhEntry() {}

    /** True if ELF is a 64-bit little-endian ELF file whose note segments hold the PVH entry note. */
    static boolean present(byte[] elf) {
        return hasNote(elf, OWNER, XEN_ELFNOTE_PHYS32_ENTRY);
    }

    /** True when a PT_NOTE segment of ELF (64-bit little-endian) has a note of OWNER with TYPE; false if malformed. */
    static boolean hasNote(byte[] elf, String owner, int type) {
        if (elf.length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F' || elf[4] != 2
                || elf[5] != 1) {
            return false;
        }
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        long phoff = b.getLong(Elf.E_PHOFF);
        int phentsize = Short.toUnsignedInt(b.getShort(Elf.E_PHENTSIZE));
        int phnum = Short.toUnsignedInt(b.getShort(Elf.E_PHNUM));
        if (phoff < 0 || phentsize < Elf.PHDR_SIZE || phoff + (long) phnum * phentsize > elf.length) {
            return false;
        }
        for (int i = 0; i < phnum; i++) {
            int ph = (int) (phoff + (long) i * phentsize);
            if (b.getInt(ph + Elf.P_TYPE) == PT_NOTE && segmentHasNote(b, b.getLong(ph + Elf.P_OFFSET), b.getLong(ph + Elf.P_FILESZ), owner, type)) {
                return true;
            }
        }
        return false;
    }

    /** Each note: namesz, descsz, type, then name and desc, each padded to 4 bytes. */
    private static boolean segmentHasNote(ByteBuffer b, long off, long size, String owner, int type) {
        if (off < 0 || size < 0 || off + size > b.capacity()) {
            return false;
        }
        long end = off + size;
        byte[] want = (owner + "\0").getBytes(StandardCharsets.US_ASCII);
        while (off + Elf.NHDR_SIZE <= end) {
            long namesz = Integer.toUnsignedLong(b.getInt((int) off + Elf.N_NAMESZ));
            long descsz = Integer.toUnsignedLong(b.getInt((int) off + Elf.N_DESCSZ));
            int noteType = b.getInt((int) off + Elf.N_TYPE);
            if (noteType == type && namesz == want.length && off + Elf.NHDR_SIZE + namesz <= end) {
                byte[] name = new byte[want.length];
                b.get((int) off + Elf.NHDR_SIZE, name);
                if (java.util.Arrays.equals(name, want)) {
                    return true;
                }
            }
            off += Elf.NHDR_SIZE + align4(namesz) + align4(descsz);
        }
        return false;
    }

    private static long align4(long n) {
        return (n + 3) & ~3L;
    }
}
