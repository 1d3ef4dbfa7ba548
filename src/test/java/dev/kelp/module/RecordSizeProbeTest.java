package dev.kelp.module;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordSizeProbeTest {

    @Test
    void readsTheSizesTheTargetKernelDefines(@TempDir Path dir) {
        List<RecordSizeProbe.Question> x86 = List.of(
                new RecordSizeProbe.Question("__bug_table", "struct bug_entry", "linux/bug.h", "CONFIG_GENERIC_BUG"),
                new RecordSizeProbe.Question("__ex_table", "struct exception_table_entry", "asm/extable.h", null),
                new RecordSizeProbe.Question("__jump_table", "struct jump_entry", "linux/jump_label.h", "CONFIG_JUMP_LABEL"),
                new RecordSizeProbe.Question(".altinstructions", "struct alt_instr", "asm/alternative.h", null),
                new RecordSizeProbe.Question(".orc_unwind", "struct orc_entry", "asm/orc_types.h", "CONFIG_UNWINDER_ORC"),
                new RecordSizeProbe.Question(".parainstructions", "struct paravirt_patch_site", "asm/paravirt_types.h", "CONFIG_PARAVIRT"),
                new RecordSizeProbe.Question(".static_call_sites", "struct static_call_site", "linux/static_call_types.h",
                        "CONFIG_HAVE_STATIC_CALL_INLINE"),
                new RecordSizeProbe.Question(".printk_index", "struct pi_entry", "linux/printk.h", "CONFIG_PRINTK_INDEX"));
        Map<String, Integer> sizes = RecordSizeProbe.probe(TestKernel.headers(), x86, dir, false);
        // what 6.1's definitions give on x86-64: relative s32 fields (bug_entry, jump_entry with
        // JUMP_LABEL_RELATIVE, alt_instr without the old padlen byte); PRINTK_INDEX is not set
        // in Debian's config, so that section is not asked for
        assertThat(sizes).containsEntry("__bug_table", 12).containsEntry("__ex_table", 12).containsEntry("__jump_table", 16)
                .containsEntry(".altinstructions", 12).containsEntry(".orc_unwind", 6).containsEntry(".parainstructions", 16)
                .containsEntry(".static_call_sites", 8).doesNotContainKey(".printk_index");
    }
}
