package dev.kelp.module;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.module.LivepatchModel.Callbacks;
import dev.kelp.module.LivepatchModel.PatchedFunction;
import dev.kelp.module.LivepatchModel.TargetObject;
import dev.kelp.util.Proc;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModuleLinkerTest {

    private static final String PATCH = """
            #include <linux/seq_file.h>
            #include <linux/livepatch.h>
            extern char *saved_command_line; /* not exported: must be reported as unresolved */
            int kelp_new_cmdline_proc_show(struct seq_file *m, void *v)
            {
            \tseq_printf(m, "%s kelp\\n", saved_command_line);
            \treturn 0;
            }
            int kelp_pre(struct klp_object *obj)
            {
            \treturn klp_shadow_get(obj, 1) ? -1 : 0;
            }
            """;

    @Test
    void linksGlueAndAPrebuiltObjectIntoALivepatchModule(@TempDir Path dir) throws Exception {
        KernelHeaders k = TestKernel.headers();
        Path obj = TestKernel.compileObject(dir.resolve("obj"), "fix", PATCH, "");
        LivepatchModel model = new LivepatchModel("livepatch-kelp-test", true, List.of(new TargetObject("vmlinux",
                List.of(new PatchedFunction("cmdline_proc_show", 0, "kelp_new_cmdline_proc_show")),
                new Callbacks(Optional.of("kelp_pre"), Optional.empty(), Optional.empty(), Optional.empty()))));
        ModuleLinker.LinkedModule m = ModuleLinker.link(k, model, List.of(obj), dir.resolve("module"), false);

        assertThat(m.ko()).isRegularFile().hasFileName("livepatch-kelp-test.ko");
        assertThat(m.vermagic()).isEqualTo(k.vermagic());
        String info = Proc.of("modinfo", m.ko().toString()).check("modinfo").stdout();
        assertThat(info).containsPattern("livepatch:\\s+Y").containsPattern("license:\\s+GPL")
                .containsPattern("name:\\s+livepatch_kelp_test");
        assertThat(m.unresolved()).containsExactly("saved_command_line");
        String syms = Proc.of("nm", m.ko().toString()).check("nm").stdout();
        assertThat(syms).contains(" T kelp_new_cmdline_proc_show").contains(" U klp_enable_patch").contains(" U seq_printf");
        // modversions: the CRCs of the kernel's exports are recorded (the loader checks them)
        String crcs = Proc.of("modprobe", "--dump-modversions", m.ko().toString()).check("modprobe").stdout();
        assertThat(crcs).contains("klp_enable_patch").contains("module_layout");
    }
}
