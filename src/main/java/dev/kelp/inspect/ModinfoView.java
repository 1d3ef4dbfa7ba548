package dev.kelp.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Section;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A kernel module's {@code .modinfo}: NUL-separated {@code key=value} strings. */
public final class ModinfoView implements ElfView {
    /** One .modinfo entry; keys repeat (alias, parm, ...). */
    public record Entry(String key, String value) {
    }

    @Override
    public String key() {
        return "modinfo";
    }

    @Override
    public boolean appliesTo(ElfFile elf) {
        return elf.section(".modinfo") != null;
    }

    /** The entries of .modinfo in order; empty when the file has none. */
    public static List<Entry> entries(ElfFile elf) {
        Section s = elf.section(".modinfo");
        List<Entry> out = new ArrayList<>();
        if (s == null) {
            return out;
        }
        byte[] d = s.data();
        int start = 0;
        for (int i = 0; i <= d.length; i++) {
            if (i == d.length || d[i] == 0) {
                if (i > start) {
                    String kv = new String(d, start, i - start, StandardCharsets.UTF_8);
                    int eq = kv.indexOf('=');
                    out.add(eq < 0 ? new Entry(kv, "") : new Entry(kv.substring(0, eq), kv.substring(eq + 1)));
                }
                start = i + 1;
            }
        }
        return out;
    }

    @Override
    public void printText(ElfFile elf, PrintWriter out) {
        List<Entry> entries = entries(elf);
        out.printf("Module info (.modinfo, %d entries):%n", entries.size());
        for (Entry e : entries) {
            out.printf("  %-16s %s%n", e.key(), e.value());
        }
    }

    @Override
    public JsonNode toJson(ElfFile elf, JsonNodeFactory json) {
        ArrayNode a = json.arrayNode();
        for (Entry e : entries(elf)) {
            a.addObject().put("key", e.key()).put("value", e.value());
        }
        return a;
    }
}
