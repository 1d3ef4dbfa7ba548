package dev.kelp.clones;

import dev.kelp.util.Proc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds git-style patches against the real kernel files with GNU diff, from textual edits. */
final class TestPatches {
    private final Path work;
    private final Map<String, String> edited = new LinkedHashMap<>();

    TestPatches(Path work) {
        this.work = work;
    }

    /** Replaces the one occurrence of {@code from} in the original file with {@code to}. */
    TestPatches replace(String rel, String from, String to) throws IOException {
        String text = edited.containsKey(rel) ? edited.get(rel) : KernelSource.read(rel);
        int at = text.indexOf(from);
        if (at < 0 || text.indexOf(from, at + 1) >= 0) {
            throw new IllegalArgumentException(rel + ": '" + from + "' must occur exactly once");
        }
        edited.put(rel, text.substring(0, at) + to + text.substring(at + from.length()));
        return this;
    }

    String diff() throws IOException {
        StringBuilder sb = new StringBuilder("Subject: [PATCH] test\n\n---\n");
        for (Map.Entry<String, String> e : edited.entrySet()) {
            Path a = work.resolve("a").resolve(e.getKey());
            Path b = work.resolve("b").resolve(e.getKey());
            Files.createDirectories(a.getParent());
            Files.createDirectories(b.getParent());
            Files.writeString(a, KernelSource.read(e.getKey()), StandardCharsets.ISO_8859_1);
            Files.writeString(b, e.getValue(), StandardCharsets.ISO_8859_1);
            Proc.Result r = Proc.of("diff", "-u", "-p", "a/" + e.getKey(), "b/" + e.getKey()).dir(work).run();
            if (r.exitCode() != 1) {
                throw new IllegalStateException("diff failed: " + r.stderr());
            }
            sb.append("diff --git a/").append(e.getKey()).append(" b/").append(e.getKey()).append('\n');
            sb.append(r.stdout());
        }
        return sb.append("-- \n2.39.5\n").toString();
    }
}
