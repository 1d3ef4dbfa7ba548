package dev.kelp.klp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kelp.elf.ElfFile;
import dev.kelp.inspect.ElfView;
import java.io.PrintWriter;

/**
 * {@code kelp inspect}'s livepatch part: the patched objects and functions, and every klp
 * relocation as {@code section+offset → object:symbol,pos (type)}, grouped by relocation section.
 * Shown for modules marked livepatch=Y or carrying klp sections or symbols.
 */
public final class LivepatchView implements ElfView {
    @Override
    public String key() {
        return "livepatch";
    }

    @Override
    public boolean appliesTo(ElfFile elf) {
        return LivepatchModule.isLivepatch(elf);
    }

    @Override
    public void printText(ElfFile elf, PrintWriter out) {
        LivepatchModule m = LivepatchModule.read(elf);
        out.printf("Livepatch (%s):%n", m.hasLivepatchFlag() ? "livepatch=Y" : "no livepatch=Y in .modinfo");
        out.printf("  Patched objects: %s%n", m.objects().isEmpty() ? "(none found)" : String.join(", ", m.objects()));
        out.printf("  Patched functions (%d):%n", m.functions().size());
        for (LivepatchModule.PatchedFunction f : m.functions()) {
            out.printf("    %s:%s,%d → %s%n", f.object(), f.oldName(), f.oldSympos(), f.newFunction());
        }
        out.printf("  klp relocations (%d):%n", m.relocations().size());
        String section = null;
        for (LivepatchModule.Entry e : m.relocations()) {
            if (!e.relaSection().equals(section)) {
                section = e.relaSection();
                out.printf("    %s:%n", section);
            }
            out.printf("      %s%s%n", e.line(), e.addend() == 0 ? "" : " addend " + e.addend());
        }
        out.printf("  klp symbols (%d):%n", m.klpSymbols().size());
        for (String s : m.klpSymbols()) {
            out.printf("    %s%n", s);
        }
    }

    @Override
    public JsonNode toJson(ElfFile elf, JsonNodeFactory json) {
        LivepatchModule m = LivepatchModule.read(elf);
        ObjectNode o = json.objectNode();
        o.put("livepatchFlag", m.hasLivepatchFlag());
        ArrayNode objects = o.putArray("objects");
        m.objects().forEach(objects::add);
        ArrayNode funcs = o.putArray("functions");
        for (LivepatchModule.PatchedFunction f : m.functions()) {
            funcs.addObject().put("object", f.object()).put("oldName", f.oldName()).put("oldSympos", f.oldSympos())
                    .put("newFunction", f.newFunction());
        }
        ArrayNode rels = o.putArray("relocations");
        for (LivepatchModule.Entry e : m.relocations()) {
            rels.addObject().put("relaSection", e.relaSection()).put("lpObject", e.lpObject())
                    .put("section", e.section()).put("offset", e.offset()).put("type", e.type())
                    .put("typeValue", e.typeValue()).put("klpSymbol", e.klpSymbol()).put("object", e.object())
                    .put("symbol", e.symbol()).put("sympos", e.sympos()).put("addend", e.addend())
                    .put("wellFormed", e.wellFormed()).put("line", e.line());
        }
        ArrayNode syms = o.putArray("klpSymbols");
        m.klpSymbols().forEach(syms::add);
        return o;
    }
}
