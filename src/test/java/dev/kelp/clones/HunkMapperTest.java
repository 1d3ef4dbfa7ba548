package dev.kelp.clones;

import dev.kelp.csource.CEntity;
import dev.kelp.csource.UnifiedDiff;
import dev.kelp.csource.Touch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.kelp.util.KelpException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HunkMapperTest {
    @TempDir
    Path work;

    private PatchMapping map(String diff, String... extraUnits) throws IOException {
        HunkMapper m = new HunkMapper(KernelSource.root(), List.of("include", "include/uapi"), List.of(extraUnits));
        return m.map("test.patch", UnifiedDiff.parse("test.patch", diff));
    }

    private static List<Touch> touches(PatchMapping pm) {
        return pm.hunks().stream().flatMap(h -> h.touches().stream()).toList();
    }

    @Test
    void bodyChangeMapsToTheEnclosingFunctionWhateverTheHunkHeaderSays() throws IOException {
        String diff = new TestPatches(work).replace("fs/proc/cmdline.c", "\tseq_putc(m, '\\n');\n",
                "\tseq_putc(m, '\\n');\n\tseq_putc(m, '\\n');\n").diff();
        // A misleading function name after @@ (what regex-based tools read) changes nothing.
        diff = diff.replaceAll("(@@ -\\d+,\\d+ \\+\\d+,\\d+ @@).*", "$1 static int __init proc_cmdline_init(void)");
        PatchMapping pm = map(diff);
        assertThat(pm.hunks()).hasSize(1);
        assertThat(touches(pm)).extracting(t -> t.entity().name(), Touch::change, Touch::commentOnly)
                .containsExactly(tuple("cmdline_proc_show", Touch.Change.MODIFIED, false));
        assertThat(pm.starts()).extracting(StartFunction::function, StartFunction::unit)
                .containsExactly(tuple("cmdline_proc_show", "fs/proc/cmdline.c"));
    }

    @Test
    void syscallBodyAndAMacroDefaultInSysC() throws IOException {
        String diff = new TestPatches(work)
                .replace("kernel/sys.c", "# define SET_UNALIGN_CTL(a, b)\t(-EINVAL)", "# define SET_UNALIGN_CTL(a, b)\t(-EPERM)")
                .replace("kernel/sys.c", "SYSCALL_DEFINE1(newuname, struct new_utsname __user *, name)\n{\n\tstruct new_utsname tmp;\n",
                        "SYSCALL_DEFINE1(newuname, struct new_utsname __user *, name)\n{\n\tstruct new_utsname tmp = {};\n")
                .diff();
        PatchMapping pm = map(diff);
        assertThat(touches(pm)).extracting(t -> t.entity().kind(), t -> t.entity().name()).contains(
                tuple(CEntity.Kind.MACRO, "SET_UNALIGN_CTL"), tuple(CEntity.Kind.FUNCTION, "SYSCALL_DEFINE1(newuname)"));
        Touch macro = touches(pm).stream().filter(t -> t.entity().kind() == CEntity.Kind.MACRO).findFirst().orElseThrow();
        assertThat(macro.users()).extracting(Touch.Use::function, Touch.Use::via)
                .containsExactly(tuple("__do_sys_prctl", "SET_UNALIGN_CTL"));
        assertThat(pm.starts()).extracting(StartFunction::function)
                .containsExactlyInAnyOrder("__do_sys_prctl", "__do_sys_newuname");
    }

    /** The e2e patch's switch to kpatch-macros.h's wrapper: the same syscall body, modified, not deleted and added. */
    @Test
    void kpatchSyscallDefineModifiesTheSameSyscall() throws IOException {
        String diff = new TestPatches(work)
                .replace("kernel/sys.c", "SYSCALL_DEFINE1(newuname, struct new_utsname __user *, name)\n{\n\tstruct new_utsname tmp;\n",
                        "KPATCH_SYSCALL_DEFINE1(newuname, struct new_utsname __user *, name)\n{\n\tstruct new_utsname tmp = {};\n")
                .diff();
        PatchMapping pm = map(diff);
        assertThat(touches(pm)).extracting(t -> t.entity().symbol(), Touch::change)
                .containsExactly(tuple("__do_sys_newuname", Touch.Change.MODIFIED));
        assertThat(pm.starts()).extracting(StartFunction::function).containsExactly("__do_sys_newuname");
    }

    @Test
    void newFunctionCommentOnlyChangeAndInsertedCall() throws IOException {
        String diff = new TestPatches(work)
                .replace("fs/proc/meminfo.c", "\tseq_write(m, \" kB\\n\", 4);\n",
                        "\t/* the unit follows the value */\n\tseq_write(m, \" kB\\n\", 4);\n")
                .replace("fs/proc/meminfo.c", "static int meminfo_proc_show(struct seq_file *m, void *v)\n",
                        "static void show_extra(struct seq_file *m)\n{\n\tseq_puts(m, \"Extra: 0 kB\\n\");\n}\n\n"
                        + "static int meminfo_proc_show(struct seq_file *m, void *v)\n")
                .replace("fs/proc/meminfo.c", "\tarch_report_meminfo(m);\n", "\tarch_report_meminfo(m);\n\tshow_extra(m);\n")
                .diff();
        PatchMapping pm = map(diff);
        assertThat(touches(pm)).extracting(t -> t.entity().name(), Touch::change, Touch::commentOnly).contains(
                tuple("show_val_kb", Touch.Change.MODIFIED, true),
                tuple("show_extra", Touch.Change.ADDED, false),
                tuple("meminfo_proc_show", Touch.Change.MODIFIED, false));
        assertThat(pm.starts()).extracting(StartFunction::function).containsExactly("meminfo_proc_show");
        assertThat(pm.notes()).anyMatch(n -> n.contains("new function show_extra"))
                .anyMatch(n -> n.contains("only comments") && n.contains("show_val_kb"));
    }

    @Test
    void dataAndTypeChangesBringInTheFunctionsThatUseThem() throws IOException {
        String diff = new TestPatches(work)
                .replace("kernel/fork.c", "static int max_threads;", "static int max_threads = 16;")
                .replace("kernel/fork.c", "struct vm_stack {\n\tstruct rcu_head rcu;\n",
                        "struct vm_stack {\n\tstruct rcu_head rcu;\n\tunsigned long stamp;\n")
                .diff();
        PatchMapping pm = map(diff);
        Touch data = touches(pm).stream().filter(t -> t.entity().kind() == CEntity.Kind.DATA).findFirst().orElseThrow();
        assertThat(data.entity().name()).isEqualTo("max_threads");
        assertThat(data.users()).extracting(Touch.Use::function)
                .contains("set_max_threads", "fork_init", "copy_process")
                .doesNotContain("nr_processes");
        Touch type = touches(pm).stream().filter(t -> t.entity().kind() == CEntity.Kind.TYPE).findFirst().orElseThrow();
        assertThat(type.entity().name()).isEqualTo("vm_stack");
        assertThat(type.users()).extracting(Touch.Use::function).contains("thread_stack_free_rcu", "thread_stack_delayed_free");
        assertThat(pm.starts()).extracting(StartFunction::function)
                .contains("set_max_threads", "fork_init", "copy_process", "thread_stack_free_rcu");
    }

    @Test
    void headerStaticInlineStartsInEveryIncludingUnitThatUsesIt() throws IOException {
        String diff = new TestPatches(work).replace("include/linux/seq_file.h",
                "\tseq_escape_mem(m, src, strlen(src), flags, esc);", "\tif (src)\n\t\tseq_escape_mem(m, src, strlen(src), flags, esc);")
                .diff();
        PatchMapping pm = map(diff, "fs/proc/array.c", "fs/proc/cmdline.c", "mm/memory.c");
        Touch t = touches(pm).get(0);
        assertThat(t.entity().name()).isEqualTo("seq_escape_str");
        // Header helpers that call it carry the change on (seq_show_option calls seq_escape).
        assertThat(t.users()).extracting(Touch.Use::unit, Touch.Use::function, Touch.Use::via).contains(
                tuple("include/linux/seq_file.h", "seq_escape", "seq_escape_str"),
                tuple("include/linux/seq_file.h", "seq_show_option", "seq_escape"),
                tuple("fs/proc/array.c", "proc_task_name", "seq_escape_str"));
        // cmdline.c includes seq_file.h but uses neither helper: nothing of it changes.
        assertThat(pm.starts()).extracting(StartFunction::function, StartFunction::unit)
                .containsExactly(tuple("seq_escape_str", "fs/proc/array.c"));

        PatchMapping unused = map(diff, "fs/proc/cmdline.c");
        assertThat(unused.starts()).isEmpty();
        assertThat(unused.notes()).anyMatch(n -> n.contains("no searched unit that includes include/linux/seq_file.h uses it"));
    }

    @Test
    void shiftedHunksAreFoundAndForeignOnesRejected() throws IOException {
        String diff = new TestPatches(work).replace("kernel/fork.c", "static int max_threads;", "static int max_threads = 16;")
                .diff();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("@@ -(\\d+),").matcher(diff);
        String shifted = m.replaceAll(r -> "@@ -" + (Integer.parseInt(r.group(1)) + 40) + ",");
        String far = m.replaceAll(r -> "@@ -" + (Integer.parseInt(r.group(1)) + 90000) + ",");
        assertThat(touches(map(far))).extracting(t -> t.entity().name()).containsExactly("max_threads");
        assertThat(touches(map(shifted))).extracting(t -> t.entity().name()).containsExactly("max_threads");
        String foreign = diff.replace("static int max_threads;", "static int min_threads;");
        assertThatThrownBy(() -> map(foreign)).isInstanceOf(KelpException.class)
                .hasMessageContaining("hunk 1 of kernel/fork.c").hasMessageContaining("does not match");
        String missing = diff.replace("kernel/fork.c", "kernel/forks.c");
        assertThatThrownBy(() -> map(missing)).isInstanceOf(KelpException.class)
                .hasMessageContaining("kernel/forks.c not found under");
    }

    @Test
    void directivesAndPrototypesAreNotedNotGuessed() throws IOException {
        String diff = new TestPatches(work)
                .replace("fs/proc/meminfo.c", "#ifdef CONFIG_CMA\n#include <linux/cma.h>", "#if defined(CONFIG_CMA)\n#include <linux/cma.h>")
                .replace("fs/proc/meminfo.c", "void __attribute__((weak)) arch_report_meminfo(struct seq_file *m)\n{\n}\n",
                        "void __attribute__((weak)) arch_report_meminfo(struct seq_file *m)\n{\n}\n\nint meminfo_extra(void);\n")
                .diff();
        PatchMapping pm = map(diff);
        assertThat(touches(pm)).extracting(t -> t.entity().kind(), Touch::change).contains(
                tuple(CEntity.Kind.DIRECTIVE, Touch.Change.MODIFIED), tuple(CEntity.Kind.PROTOTYPE, Touch.Change.ADDED));
        assertThat(pm.starts()).isEmpty();
        assertThat(pm.notes()).anyMatch(n -> n.contains("preprocessor directive"))
                .anyMatch(n -> n.contains("declaration of meminfo_extra"));
    }
}
