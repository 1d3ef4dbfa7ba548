package dev.kelp.symbols;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.tukaani.xz.XZInputStream;

/**
 * The /proc/kallsyms listings captured by scripts/capture-kallsyms from the installed Debian
 * kernel booted in QEMU, and that kernel. Fails (never skips) when the installed kernel is not
 * the one captured: the test data must then be recaptured.
 */
final class CapturedKernel {
    private static final String DIR = "/dev/kelp/symbols/";

    final String release;
    final Path vmlinuz;
    final Path modulesDir;
    final String procVersion;

    private CapturedKernel(String release) {
        this.release = release;
        this.vmlinuz = Path.of("/boot/vmlinuz-" + release);
        this.modulesDir = Path.of("/lib/modules/" + release);
        this.procVersion = text("proc-version-" + release + ".txt").strip();
    }

    /** The captured release; fails loudly if it is not installed. */
    static CapturedKernel find() {
        URL url = CapturedKernel.class.getResource(DIR);
        if (url == null) {
            fail("no test data under src/test/resources" + DIR + ": run scripts/capture-kallsyms");
        }
        List<String> releases = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of(url.toURI()))) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("proc-version-"))
                    .forEach(n -> releases.add(n.substring("proc-version-".length(), n.length() - ".txt".length())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<String> installed = releases.stream().filter(r -> Files.isRegularFile(Path.of("/boot/vmlinuz-" + r)))
                .toList();
        if (installed.isEmpty()) {
            fail("the captured kernel" + (releases.isEmpty() ? "" : "s " + releases) + " is not installed"
                    + " (/boot has " + bootKernels() + "): recapture with scripts/capture-kallsyms");
        }
        return new CapturedKernel(installed.get(installed.size() - 1));
    }

    private static List<String> bootKernels() {
        try (Stream<Path> s = Files.list(Path.of("/boot"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("vmlinuz-")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The resource file (for readers that take a path). */
    Path resource(String name) {
        try {
            return Path.of(CapturedKernel.class.getResource(DIR + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource " + name + ": run scripts/capture-kallsyms", e);
        }
    }

    Path procKallsyms() {
        return resource("proc-kallsyms-" + release + ".txt.xz");
    }

    Path procKallsymsModules() {
        return resource("proc-kallsyms-modules-" + release + ".txt.xz");
    }

    /** /proc/kallsyms of the booted kernel before any module was loaded, line by line. */
    List<String> vmlinuxLines() {
        return lines("proc-kallsyms-" + release + ".txt.xz");
    }

    /** The [module] lines after loading the modules the capture script loads, by module, as "T name". */
    Map<String, List<String>> moduleLines() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String l : lines("proc-kallsyms-modules-" + release + ".txt.xz")) {
            String[] mainAndMod = l.split("\t");
            String[] f = mainAndMod[0].split(" ");
            String mod = mainAndMod[1].substring(1, mainAndMod[1].length() - 1);
            out.computeIfAbsent(mod, k -> new ArrayList<>()).add(f[1] + " " + f[2]);
        }
        return out;
    }

    private List<String> lines(String name) {
        try (InputStream in = new XZInputStream(Files.newInputStream(resource(name)));
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1))) {
            return r.lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String text(String name) {
        try {
            return Files.readString(resource(name), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
