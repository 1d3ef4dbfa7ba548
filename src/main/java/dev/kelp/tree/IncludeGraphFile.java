package dev.kelp.tree;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The include graph stored in the cache entry, so that only the first header patch of a cache
 * entry pays for reading the tree. One line per included file: the file, then every file that
 * includes it, tab-separated; paths are relative to the source ({@code s:}) or build dir snapshot
 * ({@code o:}) so the entry can move, absolute otherwise ({@code a:}).
 */
final class IncludeGraphFile {
    private static final String HEADER = "# kelp include graph v1";

    private IncludeGraphFile() {
    }

    /** The stored graph, or empty when there is none or it is not in this format (then it is rebuilt). */
    static Optional<Map<Path, Set<Path>>> read(Path file, Path srcDir, Path objDir) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Map<Path, Set<Path>> graph = new HashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            if (!HEADER.equals(r.readLine())) {
                return Optional.empty();
            }
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split("\t");
                Set<Path> by = new HashSet<>();
                for (int i = 1; i < f.length; i++) {
                    by.add(decode(f[i], srcDir, objDir));
                }
                graph.put(decode(f[0], srcDir, objDir), by);
            }
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.of(graph);
    }

    /** Writes aside and renames: a concurrent or killed run never sees half a graph. */
    static void write(Path file, Path srcDir, Path objDir, Map<Path, Set<Path>> graph) {
        Path tmp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write(HEADER);
            w.write('\n');
            for (Map.Entry<Path, Set<Path>> e : graph.entrySet()) {
                w.write(encode(e.getKey(), srcDir, objDir));
                for (Path p : e.getValue()) {
                    w.write('\t');
                    w.write(encode(p, srcDir, objDir));
                }
                w.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String encode(Path p, Path srcDir, Path objDir) {
        // the build dir snapshot is not inside the source tree, but check it first all the same
        if (p.startsWith(objDir)) {
            return "o:" + objDir.relativize(p);
        }
        if (p.startsWith(srcDir)) {
            return "s:" + srcDir.relativize(p);
        }
        return "a:" + p;
    }

    private static Path decode(String s, Path srcDir, Path objDir) {
        if (s.length() < 2 || s.charAt(1) != ':') {
            throw new IllegalArgumentException(s);
        }
        String rest = s.substring(2);
        return switch (s.charAt(0)) {
            case 'o' -> objDir.resolve(rest).normalize();
            case 's' -> srcDir.resolve(rest).normalize();
            case 'a' -> Path.of(rest);
            default -> throw new IllegalArgumentException(s);
        };
    }
}
