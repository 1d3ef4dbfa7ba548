package dev.kelp.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelp.module.LivepatchModel.Callbacks;
import dev.kelp.module.LivepatchModel.PatchedFunction;
import dev.kelp.module.LivepatchModel.TargetObject;
import dev.kelp.util.KelpException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GlueGeneratorTest {

    static LivepatchModel twoObjects(boolean replace) {
        return new LivepatchModel("livepatch-two", replace, List.of(
                new TargetObject("vmlinux", List.of(new PatchedFunction("cmdline_proc_show", 0, "kelp_new_cmdline_proc_show"),
                        new PatchedFunction("meminfo_proc_show", 2, "kelp_new_meminfo_proc_show")), Callbacks.NONE),
                new TargetObject("xfs", List.of(new PatchedFunction("xfs_fs_show_options", 0, "kelp_new_xfs_fs_show_options")),
                        new Callbacks(Optional.of("kelp_pre"), Optional.empty(), Optional.empty(), Optional.of("kelp_post_un")))));
    }

    @Test
    void vmlinuxHasNoNameAndModulesAreNamed() {
        String c = GlueGenerator.glueSource(twoObjects(true));
        assertThat(c).contains(".name = NULL,\n\t\t.funcs = kelp_funcs_0,")
                .contains(".name = \"xfs\",\n\t\t.funcs = kelp_funcs_1,")
                .contains(".old_name = \"meminfo_proc_show\",\n\t\t.new_func = kelp_new_meminfo_proc_show,\n\t\t.old_sympos = 2,")
                .contains(".pre_patch = kelp_pre,").contains(".post_unpatch = kelp_post_un,").doesNotContain(".post_patch =")
                .contains("extern int kelp_pre(struct klp_object *obj);")
                .contains(".replace = true,").contains("MODULE_INFO(livepatch, \"Y\");").contains("MODULE_LICENSE(\"GPL\");")
                .contains("return klp_enable_patch(&kelp_patch);");
    }

    @Test
    void noReplaceWhenAsked() {
        assertThat(GlueGenerator.glueSource(twoObjects(false))).contains(".replace = false,");
    }

    @Test
    void kbuildFileListsGlueAndPatchObjects() {
        assertThat(GlueGenerator.kbuildFile("livepatch-x", "kelp_glue.o", List.of("kelp_patch_0.o", "kelp_patch_1.o")))
                .contains("obj-m := livepatch-x.o\n").contains("livepatch-x-y := kelp_glue.o kelp_patch_0.o kelp_patch_1.o\n");
    }

    @Test
    void badNamesAreRefused() {
        assertThatThrownBy(() -> new LivepatchModel("bad name", true, List.of())).isInstanceOf(KelpException.class)
                .hasMessageContaining("'bad name'");
        assertThatThrownBy(() -> new PatchedFunction("f", 0, "f.cold")).hasMessageContaining("not a C identifier");
        assertThatThrownBy(() -> new PatchedFunction("a,b", 0, "x")).hasMessageContaining("no ','");
        assertThatThrownBy(() -> new TargetObject("nf.conntrack", List.of(), Callbacks.NONE)).hasMessageContaining("no '.'");
    }
}
