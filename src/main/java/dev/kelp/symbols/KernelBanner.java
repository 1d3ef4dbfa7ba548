package dev.kelp.symbols;

import dev.kelp.elf.Elf;
import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Section;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What identifies a kernel image: its linux_banner ("Linux version RELEASE (builder) (compiler)
 * #N ...", as /proc/version shows it) and its GNU build-id.
 */
final class KernelBanner {
    private static final byte[] PREFIX = "Linux version ".getBytes(StandardCharsets.US_ASCII);
    private static final int NT_GNU_BUILD_ID = 3;

    private KernelBanner() {}

    /**
     * The banner text. The image may hold two: init/version.c's, whose build number is empty
     * ("# SMP"), and the one the final link stamps ("#1 SMP"), which /proc/version matches.
     */
    static Optional<String> find(ElfFile elf) {
        Section rodata = elf.section(".rodata");
        if (rodata == null) {
            return Optional.empty();
        }
        ByteBuffer b = rodata.contents();
        int to = b.capacity();
        Optional<String> first = Optional.empty();
        for (int p = 0; p + PREFIX.length < to; p++) {
            if (b.get(p) != 'L' || !matches(b, p)) {
                continue;
            }
            int q = p + PREFIX.length;
            while (q < to && b.get(q) >= 0x20 && b.get(q) < 0x7f) {
                q++;
            }
            byte[] text = new byte[q - p];
            b.get(p, text);
            String s = new String(text, StandardCharsets.US_ASCII);
            // Format strings ("Linux version %s") are not the banner; the banner ends in a newline.
            if (q < to && b.get(q) == '\n' && !s.contains("%")) {
                if (s.matches(".*\\) #[0-9].*")) {
                    return Optional.of(s);
                }
                first = first.or(() -> Optional.of(s));
            }
        }
        return first;
    }

    private static boolean matches(ByteBuffer b, int p) {
        for (int i = 0; i < PREFIX.length; i++) {
            if (b.get(p + i) != PREFIX[i]) {
                return false;
            }
        }
        return true;
    }

    /** The build-id from the GNU build-id note, as hex, if the image carries one. */
    static Optional<String> buildId(ElfFile elf) {
        for (Section s : elf.sections()) {
            if (s.type() != Elf.SHT_NOTE) {
                continue;
            }
            ByteBuffer b = s.contents().order(ByteOrder.LITTLE_ENDIAN);
            int p = 0;
            while (p + Elf.NHDR_SIZE <= b.capacity()) {
                int namesz = b.getInt(p + Elf.N_NAMESZ);
                int descsz = b.getInt(p + Elf.N_DESCSZ);
                int type = b.getInt(p + Elf.N_TYPE);
                int nameAt = p + Elf.NHDR_SIZE;
                int descAt = nameAt + align4(namesz);
                if (namesz < 0 || descsz < 0 || descAt + descsz > b.capacity()) {
                    break;
                }
                if (type == NT_GNU_BUILD_ID && namesz == 4 && b.get(nameAt) == 'G' && b.get(nameAt + 1) == 'N'
                        && b.get(nameAt + 2) == 'U') {
                    StringBuilder hex = new StringBuilder();
                    for (int i = 0; i < descsz; i++) {
                        hex.append(String.format("%02x", b.get(descAt + i) & 0xff));
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
}
