package dev.kelp.elf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Builds a string table: offset 0 is the empty string, each distinct string is stored once,
 * and a string that ends another one shares its tail (".text.foo" inside ".rela.text.foo"), as
 * the GNU assembler does. Collect with {@link #add}, then {@link #build}, then ask offsets.
 */
final class StringTableBuilder {
    private final Set<String> strings = new LinkedHashSet<>();
    private Map<String, Integer> offsets;
    private byte[] bytes;

    void add(String s) {
        if (offsets != null) {
            throw new IllegalStateException("string table already built");
        }
        if (!s.isEmpty()) {
            strings.add(s);
        }
    }

    void build() {
        String[] sorted = strings.toArray(new String[0]);
        // Sorted by reversed text, longest first among equal tails: a string that is a tail of
        // another comes right after it (or after another string sharing that tail).
        Arrays.sort(sorted, StringTableBuilder::compareReversed);
        offsets = new HashMap<>(sorted.length * 2);
        offsets.put("", 0);
        byte[] out = new byte[64];
        int length = 1;
        String prev = null;
        int prevOff = 0;
        for (String s : sorted) {
            if (prev != null && prev.endsWith(s)) {
                offsets.put(s, prevOff + prev.length() - s.length());
                continue;
            }
            byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
            if (length + b.length + 1 > out.length) {
                out = Arrays.copyOf(out, Math.max(out.length * 2, length + b.length + 1));
            }
            System.arraycopy(b, 0, out, length, b.length);
            offsets.put(s, length);
            prev = s;
            prevOff = length;
            length += b.length + 1;
        }
        bytes = Arrays.copyOf(out, length);
    }

    private static int compareReversed(String a, String b) {
        int i = a.length() - 1;
        int j = b.length() - 1;
        for (; i >= 0 && j >= 0; i--, j--) {
            int c = Character.compare(a.charAt(i), b.charAt(j));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(b.length(), a.length());
    }

    int offset(String s) {
        Integer off = offsets.get(s);
        if (off == null) {
            throw new IllegalStateException("string not added: " + s);
        }
        return off;
    }

    byte[] toBytes() {
        return bytes;
    }
}
