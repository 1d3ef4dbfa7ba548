package dev.kelp.cli;

import static dev.kelp.cli.CliRun.kelp;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kelp.qemu.KernelTarget;
import dev.kelp.symbols.CapturedKernel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.XZInputStream;

/** kelp symbols end to end: output formats, and one-line errors without partial output. */
class SymbolsCommandTest {
    /** The installed kernel (the one kelp test boots by default). */
    static String release() {
        return KernelTarget.resolve(null, null).release();
    }

    static List<String> xzLines(Path p) throws IOException {
        try (InputStream in = new XZInputStream(Files.newInputStream(p))) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).lines().toList();
        }
    }

    @Test
    void klpConvertFormatFromAKallsymsCopy(@TempDir Path dir) throws Exception {
        // /proc/kallsyms of the installed kernel booted in QEMU (stored, or captured now)
        Path copy = CapturedKernel.find().procKallsyms();
        Path out = dir.resolve("symbols.klp");
        CliRun r = kelp("symbols", "--kallsyms", copy.toString(), "-o", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(out, StandardCharsets.ISO_8859_1);
        List<String> expected = new ArrayList<>(List.of("klp-convert-symbol-data.0.1", "*vmlinux"));
        xzLines(copy).forEach(l -> expected.add(l.substring(l.lastIndexOf(' ') + 1)));
        assertThat(lines).isEqualTo(expected);
    }

    @Test
    void jsonFromTheInstalledKernelImageAndTwoModules(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("symbols.json");
        Path mods = Files.createDirectories(dir.resolve("modules/kernel/fs"));
        for (String m : List.of("exfat/exfat.ko", "efs/efs.ko")) {
            Path ko = Path.of("/lib/modules", release(), "kernel/fs", m);
            Files.copy(ko, mods.resolve(ko.getFileName()));
        }
        CliRun r = kelp("symbols", "--vmlinuz", "/boot/vmlinuz-" + release(), "--modules", dir.resolve("modules").toString(),
                "--symvers", "/usr/src/linux-headers-" + release() + "/Module.symvers", "--json", "-o", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("symbols in").contains("objects");
        JsonNode root = new ObjectMapper().readTree(out.toFile());
        assertThat(root.get("format").asText()).isEqualTo("kelp-symbols.1");
        assertThat(root.get("banner").asText()).contains(release());
        JsonNode vmlinux = root.get("objects").get(0);
        assertThat(vmlinux.get("name").asText()).isEqualTo("vmlinux");
        JsonNode first = vmlinux.get("symbols").get(0);
        assertThat(first.get("address").asText()).hasSize(16);
        assertThat(root.get("objects").size()).isEqualTo(3);
        JsonNode exfat = null;
        for (JsonNode o : root.get("objects")) {
            if (o.get("name").asText().equals("exfat")) {
                exfat = o;
            }
        }
        assertThat(exfat).isNotNull();
        assertThat(exfat.get("symbols").get(0).has("section")).isTrue();
        assertThat(root.get("exports").size()).isGreaterThan(10_000);
    }

    @Test
    void debiansPlaceholderSystemMapIsExplained(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("o");
        CliRun r = kelp("symbols", "--system-map", "/boot/System.map-" + release(), "-o", out.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("kelp: /boot/System.map-").contains("placeholder").contains("--vmlinuz")
                .hasLineCount(1);
        assertThat(out).doesNotExist();
    }

    @Test
    void truncatedOrCorruptKernelImagesFailCleanly(@TempDir Path dir) throws Exception {
        byte[] image = Files.readAllBytes(Path.of("/boot/vmlinuz-" + release()));
        Path truncated = dir.resolve("truncated");
        Files.write(truncated, java.util.Arrays.copyOf(image, 1 << 20));
        CliRun r = kelp("symbols", "--vmlinuz", truncated.toString(), "-o", dir.resolve("o1").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("payload_offset/payload_length point outside the file").hasLineCount(1);

        byte[] corrupt = image.clone();
        for (int i = image.length / 2; i < image.length / 2 + 4096; i++) {
            corrupt[i] ^= 0x5a;
        }
        Path bad = dir.resolve("corrupt");
        Files.write(bad, corrupt);
        r = kelp("symbols", "--vmlinuz", bad.toString(), "-o", dir.resolve("o2").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("cannot decompress the xz kernel payload").hasLineCount(1);

        r = kelp("symbols", "--vmlinuz", "/boot/config-" + release(), "-o", dir.resolve("o3").toString());
        assertThat(r.err()).contains("not an x86 bzImage").hasLineCount(1);
        assertThat(dir.resolve("o1")).doesNotExist();
        assertThat(dir.resolve("o2")).doesNotExist();
        assertThat(dir.resolve("o3")).doesNotExist();
    }

    @Test
    void badKallsymsLineNamesFileAndLine(@TempDir Path dir) throws Exception {
        Path copy = dir.resolve("kallsyms");
        Files.writeString(copy, "ffffffff81000000 T _text\nthis is not a symbol line\n");
        CliRun r = kelp("symbols", "--kallsyms", copy.toString(), "-o", dir.resolve("o").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(copy + ":2: not a symbol line").hasLineCount(1);
    }

    @Test
    void exactlyOneVmlinuxSource(@TempDir Path dir) throws Exception {
        CliRun r = kelp("symbols", "--kernel", release(), "--vmlinuz", "/x", "-o", dir.resolve("o").toString());
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("mutually exclusive");
    }
}
