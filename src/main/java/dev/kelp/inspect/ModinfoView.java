package dev.kelp.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Modinfo;
import dev.kelp.elf.Modinfo.Entry;
import java.io.PrintWriter;
import java.util.List;

/** A kernel module's {@code .modinfo}: NUL-separated {@code key=value} strings. */
public final class ModinfoView implements ElfView {
    @Override
    public String key() {
        return "modinfo";
    }

    @Override
    public boolean appliesTo(ElfFile elf) {
        return elf.section(Modinfo.SECTION) != null;
    }

    /** The entries of .modinfo in order (keys repeat: alias, parm...); empty when the file has none. */
    public static List<Entry> entries(ElfFile elf) {
        return Modinfo.of(elf).map(Modinfo::entries).orElse(List.of());
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
