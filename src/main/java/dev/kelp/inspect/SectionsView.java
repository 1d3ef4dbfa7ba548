package dev.kelp.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kelp.elf.ElfFile;
import dev.kelp.elf.GroupSection;
import dev.kelp.elf.RelocationSection;
import dev.kelp.elf.Section;
import dev.kelp.elf.SymbolTable;
import java.io.PrintWriter;

/** Section headers: index, name, type, flags, size, link and info. */
public final class SectionsView implements ElfView {
    @Override
    public String key() {
        return "sections";
    }

    @Override
    public void printText(ElfFile elf, PrintWriter out) {
        out.printf("Sections (%d):%n", elf.sections().size());
        out.printf("  %5s %-32s %-12s %-6s %10s %5s %5s %5s%n", "[Nr]", "Name", "Type", "Flags", "Size", "Link",
                "Info", "Align");
        for (Section s : elf.sections()) {
            out.printf("  [%3d] %-32s %-12s %-6s %10s %5d %5d %5d%n", s.index(), s.name(),
                    ElfNames.sectionType(s.type()), ElfNames.sectionFlags(s.flags()), Long.toHexString(s.size()),
                    index(s.link()), info(s), s.addralign());
        }
    }

    @Override
    public JsonNode toJson(ElfFile elf, JsonNodeFactory json) {
        ArrayNode a = json.arrayNode();
        for (Section s : elf.sections()) {
            ObjectNode o = a.addObject();
            o.put("index", s.index());
            o.put("name", s.name());
            o.put("type", ElfNames.sectionType(s.type()));
            o.put("flags", ElfNames.sectionFlags(s.flags()));
            o.put("flagsValue", s.flags());
            o.put("addr", s.addr());
            o.put("size", s.size());
            o.put("link", index(s.link()));
            o.put("info", info(s));
            o.put("addralign", s.addralign());
            o.put("entsize", s.entsize());
        }
        return a;
    }

    private static int index(Section s) {
        return s == null ? 0 : s.index();
    }

    /** sh_info as the file holds it. */
    private static long info(Section s) {
        if (s instanceof RelocationSection r) {
            return index(r.target());
        }
        if (s instanceof SymbolTable t) {
            return t.firstNonLocal();
        }
        if (s instanceof GroupSection g) {
            return g.signature() == null ? 0 : g.signature().index();
        }
        return s.infoSection() != null ? s.infoSection().index() : Integer.toUnsignedLong(s.info());
    }
}
