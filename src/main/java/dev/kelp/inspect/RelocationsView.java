package dev.kelp.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kelp.arch.registry.Machines;
import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Relocation;
import dev.kelp.elf.RelocationSection;
import java.io.PrintWriter;

/**
 * Every relocation section on its own, with its target section: unlike binutils, which merges
 * relocation sections sharing a target (sourceware bug 24456), this shows both the ordinary and
 * the livepatch ({@code .klp.rela.*}) relocations of a livepatched function.
 */
public final class RelocationsView implements ElfView {
    @Override
    public String key() {
        return "relocations";
    }

    @Override
    public void printText(ElfFile elf, PrintWriter out) {
        for (RelocationSection r : elf.relocationSections()) {
            out.printf("Relocation section '%s' for '%s' (%d entries%s):%n", r.name(),
                    r.target() == null ? "" : r.target().name(), r.relocations().size(),
                    r.isLivepatch() ? ", livepatch" : "");
            out.printf("  %16s %-24s %s%n", "Offset", "Type", "Symbol + Addend");
            for (Relocation rel : r.relocations()) {
                out.printf("  %016x %-24s %s%s%n", rel.offset(), Machines.relocationName(elf.machine(), rel.type()),
                        ElfNames.symbolLabel(rel.symbol()), r.isRela() ? addend(rel.addend()) : "");
            }
        }
    }

    private static String addend(long a) {
        return a < 0 ? " - " + Long.toHexString(-a) : " + " + Long.toHexString(a);
    }

    @Override
    public JsonNode toJson(ElfFile elf, JsonNodeFactory json) {
        ArrayNode sections = json.arrayNode();
        for (RelocationSection r : elf.relocationSections()) {
            ObjectNode o = sections.addObject();
            o.put("section", r.name());
            o.put("target", r.target() == null ? null : r.target().name());
            o.put("targetIndex", r.target() == null ? 0 : r.target().index());
            o.put("rela", r.isRela());
            o.put("livepatch", r.isLivepatch());
            ArrayNode a = o.putArray("relocations");
            for (Relocation rel : r.relocations()) {
                ObjectNode e = a.addObject();
                e.put("offset", rel.offset());
                e.put("type", Machines.relocationName(elf.machine(), rel.type()));
                e.put("typeValue", rel.type());
                e.put("symbol", ElfNames.symbolLabel(rel.symbol()));
                e.put("symbolIndex", rel.symbol() == null ? 0 : rel.symbol().index());
                e.put("addend", rel.addend());
            }
        }
        return sections;
    }
}
