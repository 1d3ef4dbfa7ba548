package dev.kelp.symbols;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The kernel's linux_banner ("Linux version RELEASE (builder) (compiler) #N ..."), as /proc/version shows it. */
final class KernelBanner {
    private static final byte[] PREFIX = "Linux version ".getBytes(StandardCharsets.US_ASCII);

    private KernelBanner() {}

    /**
     * The banner text. The image may hold two: init/version.c's, whose build number is empty
     * ("# SMP"), and the one the final link stamps ("#1 SMP"), which /proc/version matches.
     */
    static Optional<String> find(ElfImage elf) {
        Optional<String> first = Optional.empty();
        byte[] data = elf.bytes().array();
        ElfImage.Section rodata = elf.section(".rodata").orElse(null);
        int from = rodata == null ? 0 : (int) rodata.offset();
        int to = rodata == null ? data.length : (int) Math.min(data.length, rodata.offset() + rodata.size());
        for (int p = from; p + PREFIX.length < to; p++) {
            if (data[p] != 'L' || !matches(data, p)) {
                continue;
            }
            int q = p + PREFIX.length;
            // The banner's release is followed by " (" builder: skips format strings like "Linux version %s".
            while (q < to && data[q] >= 0x20 && data[q] < 0x7f) {
                q++;
            }
            String s = new String(data, p, q - p, StandardCharsets.US_ASCII);
            if (q < to && data[q] == '\n' && !s.contains("%")) {
                if (s.matches(".*\\) #[0-9].*")) {
                    return Optional.of(s);
                }
                first = first.or(() -> Optional.of(s));
            }
        }
        return first;
    }

    private static boolean matches(byte[] data, int p) {
        for (int i = 0; i < PREFIX.length; i++) {
            if (data[p + i] != PREFIX[i]) {
                return false;
            }
        }
        return true;
    }
}
