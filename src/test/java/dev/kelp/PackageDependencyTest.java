package dev.kelp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package tree is the pipeline: a stage may use the stages before it, never one after it.
 * This reads the main sources' imports and fully qualified references, so a shortcut that turns
 * the graph around fails the build instead of slowly rotting the design.
 */
class PackageDependencyTest {
    /**
     * Pipeline order, subpackages included (a subpackage is a stage of its own: arch's interfaces
     * come before their x86 implementation, which comes before the registry that lists it); util
     * is usable by every stage.
     */
    private static final List<String> ORDER = List.of(
            "util", "elf", "arch", "arch.x86", "arch.registry", "inspect", "diff", "target", "symbols", "klp",
            "module", "csource", "tree", "build", "qemu", "clones", "cli");

    /** A package name: lower-case segments after dev.kelp (a class name starts with a capital). */
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.kelp\\.([a-z0-9]+(?:\\.[a-z0-9]+)*)\\b");

    @Test
    void everyStageDependsOnlyOnEarlierStages() throws IOException {
        Path root = Path.of("src/main/java/dev/kelp");
        List<String> violations = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        assertThat(files).as("main sources").isNotEmpty();
        for (Path file : files) {
            String stage = root.relativize(file.getParent()).toString().replace('/', '.');
            assertThat(ORDER).as("stage of %s is a known package", file).contains(stage);
            Matcher m = REFERENCE.matcher(withoutComments(Files.readString(file)));
            while (m.find()) {
                String used = m.group(1);
                if (!ORDER.contains(used)) {
                    continue;
                }
                if (ORDER.indexOf(used) > ORDER.indexOf(stage)) {
                    violations.add(file + " (" + stage + ") uses dev.kelp." + used);
                }
            }
        }
        assertThat(violations).as("references against the pipeline's direction").isEmpty();
    }

    /** Comments may name later stages (to explain where something lives); code may not. */
    private static String withoutComments(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ");
    }
}
