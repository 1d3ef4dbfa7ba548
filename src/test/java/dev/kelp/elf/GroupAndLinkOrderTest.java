package dev.kelp.elf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.testsupport.Gcc;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** COMDAT group members and SHF_LINK_ORDER links follow their sections when indices shift. */
class GroupAndLinkOrderTest {
    @TempDir
    Path tmp;

    static final String SOURCE = """
            __attribute__((noinline)) int leaf(int x) { return x + 1; }
            int caller(int x) { return leaf(x) * 2; }
            asm(".section .data.grouped,\\"awG\\",@progbits,grp_sig,comdat\\n"
                ".globl grp_sig\\n"
                "grp_sig: .quad leaf\\n"
                ".section .text.grouped,\\"axG\\",@progbits,grp_sig,comdat\\n"
                "ret\\n"
                ".section .meta_leaf,\\"ao\\",@progbits,.text.leaf\\n"
                ".quad leaf\\n"
                ".text\\n");
            """;

    @Test
    void groupMembersAndLinkOrderAreReindexedAfterEdits() {
        Path obj = Gcc.compile(tmp, "grp", SOURCE, "-O2", "-ffunction-sections", "-fno-asynchronous-unwind-tables");
        ElfFile elf = ElfFile.read(obj);
        GroupSection group = elf.groups().get(0);
        assertThat(group.isComdat()).isTrue();
        assertThat(group.signature().name()).isEqualTo("grp_sig");
        assertThat(group.members()).extracting(Section::name)
                .containsExactlyInAnyOrder(".data.grouped", ".rela.data.grouped", ".text.grouped");
        Section meta = elf.section(".meta_leaf");
        assertThat(meta.hasFlag(Elf.SHF_LINK_ORDER)).isTrue();
        assertThat(meta.link()).isSameAs(elf.section(".text.leaf"));

        // Shift every index: a new section first, one removed, one group member removed.
        elf.addSectionBefore(elf.sections().get(0), new Section(".kelp.first", Elf.SHT_PROGBITS)
                .setData(new byte[] {1, 2, 3, 4}));
        elf.removeSection(elf.section(".comment"));
        elf.removeSection(elf.section(".text.grouped"));
        Path out = tmp.resolve("grp.out.o");
        elf.write(out);
        Tools.ldRelocatable(out, tmp.resolve("grp.ld.o"));

        ElfFile back = ElfFile.read(out);
        GroupSection g = back.groups().get(0);
        assertThat(g.members()).extracting(Section::name).containsExactly(".data.grouped", ".rela.data.grouped");
        assertThat(back.section(".meta_leaf").link().name()).isEqualTo(".text.leaf");

        String groups = Tools.readelf(out, "-gW");
        assertThat(groups).contains("COMDAT group section [")
                .containsPattern("\\[\\s*" + back.section(".data.grouped").index() + "\\]\\s+\\.data\\.grouped")
                .containsPattern("\\[\\s*" + back.section(".rela.data.grouped").index() + "\\]\\s+\\.rela\\.data\\.grouped")
                .contains("[grp_sig]").doesNotContain(".text.grouped");
        Matcher m = Pattern.compile("\\] \\.meta_leaf +PROGBITS +\\S+ +\\S+ +\\S+ +\\S+ +AL +(\\d+) ")
                .matcher(Tools.readelf(out, "-SW"));
        assertThat(m.find()).as("readelf shows .meta_leaf with flags AL").isTrue();
        assertThat(Integer.parseInt(m.group(1))).isEqualTo(back.section(".text.leaf").index());

        // A group whose last members go disappears with them.
        back.removeSections(back.groups().get(0).members());
        assertThat(back.groups()).isEmpty();
        Path out2 = tmp.resolve("grp.out2.o");
        back.write(out2);
        assertThat(Tools.readelf(out2, "-gW")).doesNotContain("COMDAT");
    }
}
