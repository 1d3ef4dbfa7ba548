package dev.kelp.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Section;
import dev.kelp.elf.Symbol;
import dev.kelp.elf.SymbolTable;
import java.io.PrintWriter;

/** Every symbol table: index, value, size, type, bind, visibility, section, name. */
public final class SymbolsView implements ElfView {
    @Override
    public String key() {
        return "symbols";
    }

    @Override
    public void printText(ElfFile elf, PrintWriter out) {
        for (Section sec : elf.sections()) {
            if (!(sec instanceof SymbolTable t)) {
                continue;
            }
            out.printf("Symbol table '%s' (%d symbols):%n", t.name(), t.symbols().size());
            out.printf("  %6s %16s %6s %-7s %-6s %-9s %-24s %s%n", "Num", "Value", "Size", "Type", "Bind", "Vis",
                    "Section", "Name");
            for (Symbol s : t.symbols()) {
                out.printf("  %6d %016x %6d %-7s %-6s %-9s %-24s %s%n", s.index(), s.value(), s.size(),
                        ElfNames.symbolType(s.type()), ElfNames.bind(s.bind()), ElfNames.visibility(s.visibility()),
                        ElfNames.symbolSection(s), s.name());
            }
        }
    }

    @Override
    public JsonNode toJson(ElfFile elf, JsonNodeFactory json) {
        ArrayNode tables = json.arrayNode();
        for (Section sec : elf.sections()) {
            if (!(sec instanceof SymbolTable t)) {
                continue;
            }
            ObjectNode table = tables.addObject();
            table.put("table", t.name());
            ArrayNode a = table.putArray("symbols");
            for (Symbol s : t.symbols()) {
                ObjectNode o = a.addObject();
                o.put("index", s.index());
                o.put("name", s.name());
                o.put("value", s.value());
                o.put("size", s.size());
                o.put("type", ElfNames.symbolType(s.type()));
                o.put("bind", ElfNames.bind(s.bind()));
                o.put("visibility", ElfNames.visibility(s.visibility()));
                o.put("section", ElfNames.symbolSection(s));
                o.put("shndx", s.shndx());
            }
        }
        return tables;
    }
}
