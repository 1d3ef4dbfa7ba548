package dev.kelp.diff;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The JSON report of {@code kelp diff --report}: outcome, changed and new functions, problems,
 * and for every function and data object of the output why it is there.
 */
public final class DiffReport {
    private DiffReport() {
    }

    public static ObjectNode toJson(DiffResult r, String orig, String patched, String output) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("original", orig);
        root.put("patched", patched);
        if (output != null) {
            root.put("output", output);
        } else {
            root.putNull("output");
        }
        root.put("outcome", r.outcome().label());
        strings(root.putArray("changed"), r.changed());
        strings(root.putArray("new"), r.added());
        ArrayNode problems = root.putArray("problems");
        for (Problem p : r.problems()) {
            ObjectNode n = problems.addObject();
            n.put("object", p.object());
            n.put("location", p.location());
            n.put("message", p.message());
        }
        ArrayNode functions = root.putArray("functions");
        for (IncludedFunction f : r.included()) {
            ObjectNode n = functions.addObject();
            n.put("name", f.name());
            if (f.alias() != null) {
                n.put("alias", f.alias());
            } else {
                n.putNull("alias");
            }
            n.put("reason", f.reason());
            n.put("section", f.section());
        }
        ArrayNode data = root.putArray("data");
        for (IncludedData d : r.data()) {
            ObjectNode n = data.addObject();
            n.put("name", d.name());
            n.put("reason", d.reason());
        }
        root.put("sideband_records", r.sideBand());
        return root;
    }

    private static void strings(ArrayNode a, List<String> values) {
        values.stream().sorted().forEach(a::add);
    }

    public static void write(Path file, ObjectNode json) {
        try {
            Files.writeString(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(json) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
