package dev.kelp.elf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A kernel module's {@code .modinfo} section: NUL-terminated {@code key=value} strings in file
 * order ({@code include/linux/moduleparam.h __MODULE_INFO}; modpost adds {@code name=},
 * {@code depends=}, {@code vermagic=}...). The one reader of the format: every stage that needs a
 * key asks this type instead of splitting the bytes itself.
 *
 * @param entries the non-empty strings in order (padding between them is dropped)
 */
public record Modinfo(List<Entry> entries) {
    /** The section name. */
    public static final String SECTION = ".modinfo";

    /**
     * One string.
     *
     * @param key    the text before the first '=' (the whole string when it has none)
     * @param value  the text after it ("" when none)
     * @param offset where the string starts in the section
     * @param length its length in bytes, without the NUL
     */
    public record Entry(String key, String value, int offset, int length) {
        /** {@code key=value} as stored. */
        public String text() {
            return value.isEmpty() && length == key.getBytes(StandardCharsets.UTF_8).length ? key : key + "=" + value;
        }
    }

    public Modinfo {
        entries = List.copyOf(entries);
    }

    /** The module's .modinfo, if it has the section. */
    public static Optional<Modinfo> of(ElfFile elf) {
        Section s = elf.section(SECTION);
        return s == null || s.isNobits() ? Optional.empty() : Optional.of(parse(s.data()));
    }

    /** Splits section contents into entries. */
    public static Modinfo parse(byte[] data) {
        List<Entry> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= data.length; i++) {
            if (i == data.length || data[i] == 0) {
                if (i > start) {
                    String kv = new String(data, start, i - start, StandardCharsets.UTF_8);
                    int eq = kv.indexOf('=');
                    out.add(eq < 0 ? new Entry(kv, "", start, i - start)
                            : new Entry(kv.substring(0, eq), kv.substring(eq + 1), start, i - start));
                }
                start = i + 1;
            }
        }
        return new Modinfo(out);
    }

    /** The first value of KEY. */
    public Optional<String> value(String key) {
        return entries.stream().filter(e -> e.key().equals(key)).map(Entry::value).findFirst();
    }

    /** Every value of KEY, in order. */
    public List<String> values(String key) {
        return entries.stream().filter(e -> e.key().equals(key)).map(Entry::value).toList();
    }

    /** Whether some entry is exactly {@code key=value}. */
    public boolean has(String key, String value) {
        return entries.stream().anyMatch(e -> e.key().equals(key) && e.value().equals(value));
    }

    /** Section contents holding these entries, each NUL-terminated. */
    public static byte[] encode(List<Entry> entries) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (Entry e : entries) {
            b.writeBytes(e.text().getBytes(StandardCharsets.UTF_8));
            b.write(0);
        }
        return b.toByteArray();
    }
}
