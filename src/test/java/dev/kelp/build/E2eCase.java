package dev.kelp.build;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * One end-to-end patch of src/test/resources/e2e-patches: the fix and what proves it
 * ({@code case.properties}): the exit code {@code kelp build} must give, and for buildable
 * patches a shell probe that fails before the livepatch is loaded, passes while it is, and fails
 * after it is unloaded, plus the modules to load before ({@code load}) or after ({@code loadAfter})
 * the livepatch, and optionally the on-screen report ({@code summary}: its lines, separated by
 * {@code |}, exactly).
 * The system property {@code kelp.e2e.cases} (comma-separated names) restricts {@link #all()}.
 */
record E2eCase(String name, Path patch, String description, int expect, String probe, List<String> load,
        List<String> loadAfter, List<String> summary) {

    static final Path DIR = Path.of("src/test/resources/e2e-patches");

    static List<E2eCase> all() {
        try (Stream<Path> s = Files.list(DIR)) {
            List<String> only = list(System.getProperty("kelp.e2e.cases", ""));
            return s.filter(Files::isDirectory).sorted().map(E2eCase::read)
                    .filter(c -> only.isEmpty() || only.contains(c.name())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static E2eCase read(Path dir) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve("case.properties"))) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new E2eCase(dir.getFileName().toString(), dir.resolve("fix.patch").toAbsolutePath(),
                p.getProperty("description"), Integer.parseInt(p.getProperty("expect")), p.getProperty("probe", ""),
                list(p.getProperty("load", "")), list(p.getProperty("loadAfter", "")),
                p.getProperty("summary", "").isBlank() ? List.of()
                        : Arrays.stream(p.getProperty("summary").split("\\|")).map(String::strip).toList());
    }

    private static List<String> list(String s) {
        return s.isBlank() ? List.of() : Arrays.asList(s.strip().split("[,\\s]+"));
    }

    @Override
    public String toString() {
        return name;
    }
}
