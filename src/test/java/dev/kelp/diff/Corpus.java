package dev.kelp.diff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The kpatch unit-test corpus and its expected.json, as test data. */
final class Corpus {
    private Corpus() {
    }

    /** One case of expected.json. */
    record Case(String name, String outcome, TreeSet<String> changed, TreeSet<String> added,
            Map<String, Integer> structSizes, Path orig, Path patched) {
        @Override
        public String toString() {
            return name;
        }

        /**
         * The sizes to diff with: none, as each object shows its own record sizes. expected.json's
         * struct_sizes are wrong for several objects (jump=24 and alt=13 where the objects have
         * 16-byte relative jump entries and 12-byte alternatives); {@link RecordSizesTest} checks
         * that giving them is refused, naming both sizes.
         */
        StructSizes sizes() {
            return StructSizes.none();
        }

        /** The struct_sizes of expected.json, as given sizes. */
        StructSizes givenSizes() {
            return StructSizes.of(structSizes);
        }

        String structSizesArgument() {
            StringBuilder sb = new StringBuilder();
            structSizes.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(v));
            return sb.toString();
        }
    }

    static Path dir() {
        return Paths.get(System.getProperty("kelp.corpus", "../shared/corpus/kpatch-unit-x86_64"));
    }

    static List<Case> cases() {
        try {
            JsonNode root = new ObjectMapper().readTree(dir().resolve("expected.json").toFile());
            List<Case> out = new ArrayList<>();
            for (JsonNode c : root) {
                String name = c.get("case").asText();
                Map<String, Integer> sizes = new HashMap<>();
                c.get("struct_sizes").fields().forEachRemaining(e -> sizes.put(e.getKey(), e.getValue().asInt()));
                Path patched = dir().resolve(name + ".PATCHED.o");
                if (!Files.exists(patched)) {
                    patched = dir().resolve(name + ".PATCHED.FAIL.o");
                }
                out.add(new Case(name, c.get("outcome").asText(), set(c.get("changed")), set(c.get("new")), sizes,
                        dir().resolve(name + ".ORIG.o"), patched));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TreeSet<String> set(JsonNode a) {
        TreeSet<String> s = new TreeSet<>();
        a.forEach(n -> s.add(n.asText()));
        return s;
    }
}
