package dev.kelp.inspect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kelp.elf.ElfFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * Renders a list of views for a list of files. The whole output is built before anything is
 * printed, so a corrupt file yields an error and no partial listing.
 */
public final class Inspector {
    private final List<ElfView> views;

    public Inspector(List<ElfView> views) {
        this.views = List.copyOf(views);
    }

    /** The standard views, in display order. */
    public static List<ElfView> standardViews() {
        return List.of(new SectionsView(), new SymbolsView(), new RelocationsView(), new ModinfoView());
    }

    /** Text for people: one block per file and view. */
    public String text(List<Path> files) {
        StringWriter sw = new StringWriter();
        PrintWriter out = new PrintWriter(sw);
        for (Path p : files) {
            ElfFile elf = ElfFile.read(p);
            out.printf("File: %s%n", p);
            for (ElfView v : views) {
                if (v.appliesTo(elf)) {
                    out.println();
                    v.printText(elf, out);
                }
            }
            out.println();
        }
        out.flush();
        return sw.toString();
    }

    /** JSON for programs: an array with one object per file, one member per view. */
    public String json(List<Path> files) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ArrayNode all = f.arrayNode();
        for (Path p : files) {
            all.add(toJson(p.toString(), ElfFile.read(p)));
        }
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(all)
                    + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("JSON tree cannot fail to serialise", e);
        }
    }

    /** One file's object: file, header fields, and a member per applicable view. */
    public ObjectNode toJson(String name, ElfFile elf) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("file", name);
        o.put("byteOrder", elf.byteOrder().toString());
        o.put("type", elf.type());
        o.put("machine", elf.machine());
        for (ElfView v : views) {
            if (v.appliesTo(elf)) {
                o.set(v.key(), v.toJson(elf, f));
            }
        }
        return o;
    }
}
