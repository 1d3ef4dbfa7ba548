package dev.kelp.elf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.util.Proc;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one .modinfo reader agrees with kmod's modinfo on Debian's installed modules. */
class ModinfoTest {
    @Test
    void agreesWithKmodOnInstalledModules() {
        List<Path> modules = Tools.modules(Tools.kernelModules());
        assertThat(modules).hasSizeGreaterThan(100);
        int checked = 0;
        for (int i = 0; i < modules.size(); i += 97) {
            Path ko = modules.get(i);
            Modinfo m = Modinfo.of(ElfFile.read(ko)).orElseThrow();
            for (String key : List.of("name", "depends", "vermagic", "alias", "license")) {
                String kmod = Proc.of("modinfo", "-0", "-F", key, ko.toString()).check("modinfo " + ko).stdout();
                List<String> expected = kmod.isEmpty() ? List.of() : List.of(kmod.split("\0", -1));
                expected = expected.subList(0, Math.max(0, expected.size() - (kmod.endsWith("\0") ? 1 : 0)));
                assertThat(m.values(key)).as(ko + " " + key).isEqualTo(expected);
            }
            checked++;
        }
        assertThat(checked).isGreaterThan(10);
    }

    @Test
    void encodesWhatItParses() {
        byte[] data = "name=x\0\0depends=a,b\0livepatch=Y\0flag\0".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Modinfo m = Modinfo.parse(data);
        assertThat(m.entries()).extracting(Modinfo.Entry::key).containsExactly("name", "depends", "livepatch", "flag");
        assertThat(m.has("livepatch", "Y")).isTrue();
        assertThat(m.value("depends")).hasValue("a,b");
        assertThat(new String(Modinfo.encode(m.entries()), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("name=x\0depends=a,b\0livepatch=Y\0flag\0");
        assertThat(m.entries().get(1).offset()).isEqualTo(8);
    }

    @Test
    void programHeadersTellAStaticProgramFromADynamicOne() throws Exception {
        assertThat(ElfFile.read(Path.of("/bin/ls")).hasProgramHeader(Elf.PT_INTERP)).isTrue();
        assertThat(ElfFile.read(Path.of("/bin/busybox")).hasProgramHeader(Elf.PT_INTERP)).as("busybox-static").isFalse();
        assertThat(ElfFile.read(Path.of("/bin/busybox")).hasProgramHeader(Elf.PT_LOAD)).isTrue();
    }
}
