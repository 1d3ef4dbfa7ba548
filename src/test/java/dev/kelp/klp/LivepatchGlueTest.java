package dev.kelp.klp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.elf.ElfFile;
import org.junit.jupiter.api.Test;

/**
 * The patched functions {@code kelp inspect --livepatch} reads from a livepatch's klp_func and
 * klp_object arrays, on a module built by kbuild with one array per target object.
 */
class LivepatchGlueTest {

    @Test
    void eachObjectListsOnlyItsOwnFunctions() {
        LivepatchModule m = LivepatchModule.read(ElfFile.read(TestModules.build("two-objects")));
        assertThat(m.functions()).extracting(f -> f.object() + ":" + f.oldName() + "," + f.oldSympos())
                .containsExactlyInAnyOrder("vmlinux:cmdline_proc_show,0", "xfs:xqmstat_proc_show,0", "ext4:ext4_a,1",
                        "ext4:ext4_b,2");
    }
}
