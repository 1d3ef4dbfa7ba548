package dev.kelp.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelp.util.KelpException;
import dev.kelp.util.Proc;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** modules.dep, .modinfo and module selection on the installed Debian kernel's real modules. */
class ModuleIndexTest {
    private static final Path DIR = KernelTarget.resolve(null, null).modulesDir();
    private final ModulesDep index = ModulesDep.read(DIR);

    @Test
    void namesWithDashesAndUnderscoresAreTheSameModule() {
        assertThat(index.path("twofish-x86_64-3way")).isEqualTo("kernel/arch/x86/crypto/twofish-x86_64-3way.ko");
        assertThat(index.path("twofish_x86_64_3way")).isEqualTo(index.path("twofish-x86_64-3way"));
        assertThat(index.dependencies("twofish-x86_64-3way")).containsExactly("twofish_x86_64", "twofish_common");
    }

    @Test
    void unknownModuleIsNamedInTheError() {
        assertThatThrownBy(() -> index.path("kelp_no_such_module")).isInstanceOf(KelpException.class)
                .hasMessage("module kelp_no_such_module is not in " + DIR.resolve("modules.dep")
                        + "; name a module of the target kernel or pass a .ko file");
    }

    /**
     * For every module of the kernel: the selection holds exactly depmod's closure, loads each
     * module after everything it needs, and writes lines that list the same modules as depmod's.
     */
    @Test
    void everyModulesClosureMatchesDepmodAndIsInLoadOrder() throws Exception {
        Map<String, List<String>> depmod = new HashMap<>();
        for (String line : Files.readAllLines(DIR.resolve("modules.dep"))) {
            String[] parts = line.split(":", 2);
            depmod.put(parts[0], parts[1].isBlank() ? List.of() : Arrays.asList(parts[1].strip().split(" ")));
        }
        assertThat(depmod).hasSizeGreaterThan(1000);
        for (Map.Entry<String, List<String>> e : depmod.entrySet()) {
            String name = ModuleFiles.moduleName(e.getKey());
            if (!index.softDependencies(name).isEmpty() || e.getValue().stream()
                    .anyMatch(d -> !index.softDependencies(ModuleFiles.moduleName(d)).isEmpty())) {
                continue; // softdeps add modules depmod's line does not list: softdepsAreLoadedFirst
            }
            ModuleSelection selection = new ModuleSelection(index);
            List<String> order = selection.select(name);

            assertThat(order.get(order.size() - 1)).isEqualTo(name);
            assertThat(order.subList(0, order.size() - 1)).containsExactlyInAnyOrderElementsOf(
                    e.getValue().stream().map(ModuleFiles::moduleName).toList());
            for (int i = 0; i < order.size(); i++) {
                assertThat(order.subList(0, i)).containsAll(selection.closure(order.get(i)));
            }
            String ours = selection.modulesDep().lines().filter(l -> l.startsWith(e.getKey() + ":")).findFirst()
                    .orElseThrow();
            List<String> ourDeps = ours.endsWith(":") ? List.of()
                    : Arrays.asList(ours.substring(ours.indexOf(':') + 2).split(" "));
            assertThat(ourDeps).containsExactlyInAnyOrderElementsOf(e.getValue());
        }
    }

    /**
     * libcrc32c has no symbol dependency on a crc32c implementation, only depmod's "softdep pre:
     * crc32c", which busybox modprobe ignores: the selection loads the CPU-independent
     * crc32c_generic first (crc32c_intel needs SSE4.2, which an emulated CPU may lack).
     */
    @Test
    void softdepsAreLoadedFirst() {
        assertThat(index.softDependencies("libcrc32c")).containsExactly("crc32c_generic");
        ModuleSelection selection = new ModuleSelection(index);
        List<String> order = selection.select("xfs");
        assertThat(order).contains("crc32c_generic", "libcrc32c").doesNotContain("crc32c_intel");
        assertThat(order.indexOf("crc32c_generic")).isLessThan(order.indexOf("libcrc32c"));
        assertThat(order.indexOf("libcrc32c")).isLessThan(order.indexOf("xfs"));
        String xfsLine = selection.modulesDep().lines().filter(l -> l.startsWith(index.path("xfs") + ":")).findFirst()
                .orElseThrow();
        assertThat(xfsLine).contains(index.path("crc32c_generic").replaceFirst("\\.xz$", ""));
    }

    @Test
    void modinfoOfDebianModulesAgreesWithKmod() {
        for (String name : List.of("twofish-x86_64-3way", "nf_conntrack", "dummy")) {
            Path ko = DIR.resolve(index.path(name));
            ModInfo info = ModInfo.parse(ko.toString(), ModuleFiles.read(ko));
            String kmodDepends = Proc.of("modinfo", "-F", "depends", ko.toString()).check("modinfo").stdout().strip();

            assertThat(info.name()).isEqualTo(ModInfo.canonical(name));
            assertThat(info.depends()).containsExactlyElementsOf(
                    kmodDepends.isEmpty() ? List.of() : Arrays.stream(kmodDepends.split(",")).map(ModInfo::canonical).toList());
            assertThat(info.vermagic()).isEqualTo(Proc.of("modinfo", "-F", "vermagic", ko.toString())
                    .check("modinfo").stdout().replaceFirst("\n$", ""));
            assertThat(info.livepatch()).isFalse();
        }
    }

    @Test
    void compressedModulesAreReadAsPlainElf(@TempDir Path tmp) throws Exception {
        Path ko = DIR.resolve(index.path("dummy"));
        byte[] plain = Files.readAllBytes(ko);
        ByteArrayOutputStream xz = new ByteArrayOutputStream();
        try (XZOutputStream out = new XZOutputStream(xz, new LZMA2Options(1))) {
            out.write(plain);
        }
        Path compressed = tmp.resolve("dummy.ko.xz");
        Files.write(compressed, xz.toByteArray());

        assertThat(ModuleFiles.read(compressed)).isEqualTo(plain);
        assertThat(ModuleFiles.moduleName("kernel/drivers/net/dummy.ko.xz")).isEqualTo("dummy");
        assertThat(ModuleFiles.plainPath("kernel/drivers/net/dummy.ko.xz")).isEqualTo("kernel/drivers/net/dummy.ko");
    }

    @Test
    void aFileThatIsNotAModuleIsRefused(@TempDir Path tmp) throws Exception {
        Path text = Files.writeString(tmp.resolve("notes.ko"), "not an ELF file at all, just text\n".repeat(4));
        assertThatThrownBy(() -> ModInfo.parse(text.toString(), ModuleFiles.read(text)))
                .hasMessageStartingWith(text + ": not an ELF file");
        Path busybox = Initramfs.BUSYBOX;
        assertThatThrownBy(() -> ModInfo.parse(busybox.toString(), Files.readAllBytes(busybox)))
                .hasMessage(busybox + ": no .modinfo section: not a kernel module");
    }
}
