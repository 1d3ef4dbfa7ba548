package dev.kelp.clones;

import dev.kelp.csource.CScanner;
import dev.kelp.csource.CEntity;
import dev.kelp.csource.ScannedFile;
import dev.kelp.csource.PatchedFile;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.util.Proc;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CScannerTest {

    private static CEntity only(ScannedFile f, String name) {
        List<CEntity> es = f.named(name);
        assertThat(es).as(name).hasSize(1);
        return es.get(0);
    }

    @Test
    void bracesInCommentsStringsAndCharsDoNotCount() {
        String src = String.join("\n",
                "/* { not code } */",                        // 1
                "static const char *s = \"{ \\\" {\";",        // 2
                "static int f(int a)",                         // 3
                "{",                                           // 4
                "\tchar c = '{';   // {",                      // 5
                "\treturn a + c; /* } */",                     // 6
                "}",                                           // 7
                "int g(void) { return '}'; }",                 // 8
                "");
        ScannedFile f = CScanner.scan("t.c", src);
        assertThat(f.functions()).extracting(CEntity::name).containsExactly("f", "g");
        assertThat(only(f, "f").startLine()).isEqualTo(3);
        assertThat(only(f, "f").endLine()).isEqualTo(7);
        assertThat(only(f, "g").startLine()).isEqualTo(8);
        assertThat(only(f, "s").kind()).isEqualTo(CEntity.Kind.DATA);
        assertThat(f.codeLines()).doesNotContain(1).contains(2, 5);
    }

    @Test
    void conditionalBranchesOpeningTheSameBraceCountOnce() {
        String src = String.join("\n",
                "static int f(int a)",          // 1
                "{",                            // 2
                "#ifdef CONFIG_X",              // 3
                "\tif (a > 1) {",               // 4
                "#else",                        // 5
                "\tif (a > 2) {",               // 6
                "#endif",                       // 7
                "\t\ta = 0;",                   // 8
                "\t}",                          // 9
                "\treturn a;",                  // 10
                "}",                            // 11
                "#ifdef CONFIG_Y",              // 12
                "SYSCALL_DEFINE1(foo, int, x)", // 13
                "#else",                        // 14
                "SYSCALL_DEFINE2(foo, int, x, int, y)", // 15
                "#endif",                       // 16
                "{",                            // 17
                "\treturn f(x);",               // 18
                "}",                            // 19
                "");
        ScannedFile f = CScanner.scan("t.c", src);
        assertThat(f.functions()).extracting(CEntity::symbol).containsExactly("f", "__do_sys_foo");
        assertThat(only(f, "f").endLine()).isEqualTo(11);
        CEntity sys = f.functions().get(1);
        assertThat(sys.startLine()).isEqualTo(13);
        assertThat(sys.endLine()).isEqualTo(19);
    }

    @Test
    void kernelDefinitionFormsAndFileScopeDeclarations() {
        String src = String.join("\n",
                "#define TWICE(x) \\",                                      // 1
                "\t((x) * 2)",                                              // 2
                "struct point { int x, y; };",                              // 3
                "enum mode { MODE_A, MODE_B = 4, MODE_C };",                // 4
                "typedef void (*handler_t)(int);",                          // 5
                "static DEFINE_MUTEX(big_lock);",                           // 6
                "static int counter __read_mostly = 3, other;",             // 7
                "static void (*hook)(int);",                                // 8
                "int helper(int);",                                         // 9
                "__printf(2, 3) static void logf(int l, const char *fmt, ...)", // 10
                "{ }",                                                      // 11
                "static inline void unlock(struct point *p)",               // 12
                "\t__releases(p->lock)",                                    // 13
                "{ }",                                                      // 14
                "BPF_CALL_2(bpf_thing, u64, a, u64, b) { return a; }",      // 15
                "EXPORT_SYMBOL_GPL(logf);",                                 // 16
                "DEFINE_PER_CPU(struct point *, cached_points[4]);",        // 17
                "static const struct point origin = { .x = 0 };",           // 18
                "");
        ScannedFile f = CScanner.scan("t.c", src);
        CEntity m = only(f, "TWICE");
        assertThat(m.kind()).isEqualTo(CEntity.Kind.MACRO);
        assertThat(m.endLine()).isEqualTo(2);
        assertThat(only(f, "point").kind()).isEqualTo(CEntity.Kind.TYPE);
        assertThat(only(f, "mode").names()).containsExactly("mode", "MODE_A", "MODE_B", "MODE_C");
        assertThat(only(f, "handler_t").kind()).isEqualTo(CEntity.Kind.TYPE);
        assertThat(only(f, "big_lock").kind()).isEqualTo(CEntity.Kind.MACRO_USE);
        assertThat(only(f, "big_lock").note()).isEqualTo("DEFINE_MUTEX");
        assertThat(only(f, "counter").names()).containsExactly("counter", "other");
        assertThat(only(f, "hook").kind()).isEqualTo(CEntity.Kind.DATA);
        assertThat(f.named("helper")).extracting(CEntity::kind).containsExactly(CEntity.Kind.PROTOTYPE);
        assertThat(f.functions()).extracting(CEntity::symbol).containsExactly("logf", "unlock", "____bpf_thing");
        assertThat(f.functions().get(0).startLine()).isEqualTo(10);
        assertThat(f.functions().get(1).endLine()).isEqualTo(14);
        assertThat(f.named("logf")).extracting(CEntity::kind)
                .containsExactlyInAnyOrder(CEntity.Kind.FUNCTION, CEntity.Kind.MACRO_USE);
        assertThat(only(f, "cached_points").note()).isEqualTo("DEFINE_PER_CPU");
        assertThat(only(f, "origin").kind()).isEqualTo(CEntity.Kind.DATA);
    }

    @Test
    void syscallBodiesGetTheirDoSysSymbolOnRealSysC() throws IOException {
        ScannedFile f = KernelSource.scan("kernel/sys.c");
        List<String> lines = PatchedFile.lines(KernelSource.read("kernel/sys.c"));
        CEntity uname = f.functions().stream().filter(e -> e.symbol().equals("__do_sys_newuname")).findFirst()
                .orElseThrow();
        assertThat(lines.get(uname.startLine() - 1)).startsWith("SYSCALL_DEFINE1(newuname,");
        assertThat(lines.get(uname.endLine() - 1)).isEqualTo("}");
        assertThat(f.functions()).extracting(CEntity::symbol).contains("__do_sys_prctl", "__do_compat_sys_sysinfo",
                "do_sysinfo", "override_release");
        // The #define inside validate_prctl_map_addr is an entity of its own, nested in the function.
        CEntity nested = only(f, "__prctl_check_order");
        assertThat(f.at(nested.startLine())).extracting(CEntity::name).contains("validate_prctl_map_addr");
    }

    private static final Pattern CTAGS = Pattern.compile("\"name\": \"([^\"]+)\".*\"line\": (\\d+).*\"end\": (\\d+)");

    /**
     * Universal Ctags (an independent C parser) and the scanner must find the same function
     * extents: every ctags function's last line is the last line of a scanned function whose
     * extent holds the ctags line, and the counts are equal.
     */
    @ParameterizedTest
    @ValueSource(strings = {"kernel/sys.c", "kernel/fork.c", "fs/namei.c", "mm/memory.c", "kernel/sched/core.c",
        "fs/proc/array.c", "include/linux/list.h", "include/linux/mm.h", "include/linux/skbuff.h"})
    void functionExtentsAgreeWithUniversalCtags(String rel) throws IOException {
        ScannedFile f = KernelSource.scan(rel);
        Map<Integer, CEntity> byEnd = new HashMap<>();
        f.functions().forEach(e -> byEnd.put(e.endLine(), e));
        String json = Proc.of("ctags", "--output-format=json", "--fields=+ne", "--c-kinds=f", "--language-force=C",
                "-o", "-", rel).dir(KernelSource.root()).check("ctags").stdout();
        int n = 0;
        for (String line : json.split("\n")) {
            Matcher m = CTAGS.matcher(line);
            if (!m.find()) {
                continue;
            }
            n++;
            int at = Integer.parseInt(m.group(2));
            int end = Integer.parseInt(m.group(3));
            assertThat(byEnd).as("%s: ctags function %s (%d-%d)", rel, m.group(1), at, end).containsKey(end);
            assertThat(byEnd.get(end).contains(at)).as("%s: %s line %d", rel, m.group(1), at).isTrue();
        }
        assertThat(n).isGreaterThan(20);
        assertThat(f.functions()).hasSize(n);
    }
}
