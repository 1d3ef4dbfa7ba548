package dev.kelp.clones;

import dev.kelp.csource.IncludeLines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which headers a unit includes, directly or not, found by following {@code #include} lines
 * ({@link IncludeLines}, the reader kelp build's include graph uses too) through the source tree. Conditionals are not evaluated, so a header included under any
 * {@code #if} counts; headers that are generated at build time (not in the tree) are skipped.
 */
final class IncludeGraph {
    private final Path root;
    private final List<String> includeDirs;
    private final Map<String, Set<String>> closure = new HashMap<>();

    /** {@code includeDirs} are relative to {@code root}, searched in order for {@code <…>} and {@code "…"}. */
    IncludeGraph(Path root, List<String> includeDirs) {
        this.root = root;
        this.includeDirs = List.copyOf(includeDirs);
    }

    boolean includes(String unit, String header) {
        return headersOf(unit).contains(normalise(header));
    }

    /** Every header reachable from the unit, as paths relative to the root. */
    Set<String> headersOf(String unit) {
        return closure.computeIfAbsent(normalise(unit), this::walk);
    }

    private Set<String> walk(String unit) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(unit));
        while (!todo.isEmpty()) {
            String file = todo.poll();
            for (String inc : directIncludes(file)) {
                if (seen.add(inc)) {
                    todo.add(inc);
                }
            }
        }
        return seen;
    }

    private List<String> directIncludes(String file) {
        Path p = root.resolve(file);
        if (!Files.isRegularFile(p)) {
            return List.of();
        }
        List<String> out = new java.util.ArrayList<>();
        for (IncludeLines.Include inc : IncludeLines.of(p)) {
            String resolved = resolve(file, inc.name(), inc.quoted());
            if (resolved != null) {
                out.add(resolved);
            }
        }
        return out;
    }

    private String resolve(String includer, String name, boolean quoted) {
        if (quoted) {
            Path parent = Path.of(includer).getParent();
            String rel = normalise(parent == null ? name : parent.resolve(name).toString());
            if (Files.isRegularFile(root.resolve(rel))) {
                return rel;
            }
        }
        for (String dir : includeDirs) {
            String rel = normalise(Path.of(dir).resolve(name).toString());
            if (Files.isRegularFile(root.resolve(rel))) {
                return rel;
            }
        }
        return null;
    }

    static String normalise(String path) {
        return Path.of(path).normalize().toString();
    }
}
