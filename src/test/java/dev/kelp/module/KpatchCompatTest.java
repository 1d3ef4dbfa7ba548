package dev.kelp.module;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.util.Proc;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KpatchCompatTest {

    private static final String USES_EVERY_MACRO = """
            #include <linux/module.h>
            #include <linux/kernel.h>
            #include "kpatch-macros.h"

            static int pre(patch_object *obj) { KPATCH_PRINTK("kelp: pre %s\\n", obj->name ? obj->name : "vmlinux"); return 0; }
            static void post(patch_object *obj) { KPATCH_PRINTK_DEFERRED("kelp: post\\n"); }
            static void pre_un(patch_object *obj) { }
            static void post_un(patch_object *obj) { }
            KPATCH_PRE_PATCH_CALLBACK(pre);
            KPATCH_POST_PATCH_CALLBACK(post);
            KPATCH_PRE_UNPATCH_CALLBACK(pre_un);
            KPATCH_POST_UNPATCH_CALLBACK(post_un);

            static noinline int unchanged_helper(int x) { return x + 1; }
            KPATCH_IGNORE_FUNCTION(unchanged_helper);
            KPATCH_IGNORE_SECTION(".data.kelp_ignored");
            KPATCH_FORCE_UNSAFE(unchanged_helper);

            KPATCH_SYSCALL_DEFINE1(kelp_compat_test, int, value)
            {
            \treturn unchanged_helper(value);
            }
            MODULE_LICENSE("GPL");
            """;

    @Test
    void everyMacroCompilesInAModuleAndFillsItsSection(@TempDir Path dir) throws Exception {
        Path include = dir.resolve("include");
        KpatchCompat.install(include);
        Path obj = TestKernel.compileObject(dir.resolve("m"), "compat", USES_EVERY_MACRO, "-I" + include);
        String sections = Proc.of("readelf", "-SW", obj.toString()).check("readelf").stdout();
        for (String s : KpatchCompat.CALLBACK_SECTIONS) {
            assertThat(sections).containsPattern("\\Q" + s + "\\E\\s+PROGBITS\\s+0+\\s+[0-9a-f]+\\s+0+"
                    + Integer.toHexString(KpatchCompat.CALLBACK_RECORD_SIZE) + "\\b");
        }
        assertThat(sections).contains(KpatchCompat.IGNORE_FUNCTIONS_SECTION).contains(KpatchCompat.IGNORE_SECTIONS_SECTION)
                .contains(KpatchCompat.FORCE_SECTION);
        String relocs = Proc.of("readelf", "-rW", obj.toString()).check("readelf").stdout();
        // each callback record points at its function (symbol or section-relative, by gcc's choice)
        assertThat(relocs).contains("Relocation section '.rela.kpatch.callbacks.pre_patch'")
                .contains("Relocation section '.rela.kpatch.ignore.functions'");
        String syms = Proc.of("nm", obj.toString()).check("nm").stdout();
        // the usual stubs, the body renamed away from the kernel's __do_sys_ (gcc inlines it here)
        assertThat(syms).contains("T __x64_sys_kelp_compat_test").contains("T __ia32_sys_kelp_compat_test")
                .doesNotContain("__do_sys_kelp_compat_test").contains("U __fentry__");
    }

    @Test
    void installIsIdempotent(@TempDir Path dir) throws Exception {
        Path a = KpatchCompat.install(dir);
        long m = java.nio.file.Files.getLastModifiedTime(a).toMillis();
        Thread.sleep(20);
        KpatchCompat.install(dir);
        assertThat(java.nio.file.Files.getLastModifiedTime(a).toMillis()).isEqualTo(m);
        assertThat(java.nio.file.Files.readString(a)).contains("#define KPATCH_PRE_PATCH_CALLBACK");
    }
}
