package dev.kelp.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Relocation;
import dev.kelp.elf.Section;
import dev.kelp.elf.Symbol;
import dev.kelp.testsupport.Gcc;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kernel-like C fixtures compiled with gcc for what the corpus does not cover on its own:
 * static locals renumbered, __LINE__-only changes, string literals moved, changed data, init
 * code and notrace functions, module static keys, an unknown special section, several STT_FILE
 * blocks and per-call-site statics.
 */
class FixtureDiffTest {
    @TempDir
    Path tmp;

    private static final String DECLS = "extern void __might_sleep(const char *file, int line);\n"
            + "extern int printk(const char *fmt, ...);\n";

    private DiffResult diff(String orig, String patched, DiffOptions opts, String... flags) {
        // same file name in both builds, as in a real tree (__FILE__ and STT_FILE must match)
        Path o = Gcc.compileKernelStyle(tmp.resolve("orig"), "unit", orig, flags);
        Path p = Gcc.compileKernelStyle(tmp.resolve("patched"), "unit", patched, flags);
        return new Differ(opts).diff(o, p);
    }

    private DiffResult diff(String orig, String patched, String... flags) {
        return diff(orig, patched, DiffOptions.defaults(), flags);
    }

    private Path write(DiffResult r) {
        Path out = tmp.resolve("out.o");
        r.output().write(out);
        OutputChecks.readelfAndLd(out, tmp);
        return out;
    }

    @Test
    void lineNumbersPassedToHelpersAreNotAChange() {
        String src = DECLS + "int busy(int x)\n{\n\t__might_sleep(__FILE__, __LINE__);\n"
                + "\tif (x > 3)\n\t\tprintk(\"x=%d line %d\\n\", x, __LINE__);\n\treturn x * 2;\n}\n";
        DiffResult r = diff(src, "\n\n\n" + src);
        assertThat(r.outcome()).isEqualTo(DiffResult.Outcome.NO_CHANGE);
        // the immediates really differ: the checksum alone would call it a change
        DiffResult real = diff(src, src.replace("x * 2", "x * 3"));
        assertThat(real.changed()).containsExactly("busy");
    }

    @Test
    void aLineNumberPassedToAnOrdinaryFunctionIsAChange() {
        String src = "extern void record(int a, int line);\nint busy(int x)\n{\n\trecord(x, __LINE__);\n\treturn x;\n}\n";
        DiffResult r = diff(src, "\n\n" + src);
        assertThat(r.outcome()).isEqualTo(DiffResult.Outcome.CHANGED);
        assertThat(r.changed()).containsExactly("busy");
    }

    @Test
    void staticLocalsAreMatchedByTheirUsersNotTheirNumbers() {
        String g = "int g(void) { static int calls; return ++calls; }\n";
        String f = "int f(void) { static int calls; return calls += 2; }\n";
        String h = "int h(void) { static int calls; return calls--; }\n";
        // GCC numbers function statics from the end of the unit: appending h renumbers f's
        Path o = Gcc.compileKernelStyle(tmp.resolve("orig"), "unit", g + f);
        Path p = Gcc.compileKernelStyle(tmp.resolve("patched"), "unit", g + f.replace("+= 2", "+= 3") + h);
        DiffResult r = new Differ(DiffOptions.defaults()).diff(o, p);
        assertThat(r.changed()).containsExactly("f");
        assertThat(r.added()).containsExactly("h");
        Path out = write(r);
        String origStaticOfF = staticReferencedBy(ElfFile.read(o), "f");
        String patchedStaticOfF = staticReferencedBy(ElfFile.read(p), "f");
        assertThat(origStaticOfF).as("numbering differs between the builds").isNotEqualTo(patchedStaticOfF);
        List<OutputChecks.SideBandEntry> sb = OutputChecks.sideBand(ElfFile.read(out));
        assertThat(sb).extracting(OutputChecks.SideBandEntry::name).contains(origStaticOfF);
        // h's own static is new: carried in the output, not referenced in the original
        assertThat(r.newData()).singleElement().satisfies(d -> {
            assertThat(d.name()).startsWith("calls.");
            assertThat(d.usedBy()).isEqualTo("h");
        });
    }

    private static String staticReferencedBy(ElfFile f, String function) {
        ObjectIndex idx = new ObjectIndex(f, f.name(), X86.ARCH);
        for (Symbol s : f.symbols()) {
            if (s.isFunction() && s.name().equals(function)) {
                for (Relocation rel : idx.relocsIn(s.section(), s.value(), s.value() + s.size())) {
                    RelocTarget t = idx.resolve(s.section(), rel);
                    if (t.kind() == RelocTarget.Kind.SYMBOL && t.symbol().isObject()) {
                        return t.symbol().name();
                    }
                }
            }
        }
        throw new AssertionError("no static used by " + function);
    }

    @Test
    void stringLiteralsCompareByContentNotOffset() {
        String a = DECLS + "void a(void) { printk(\"alpha\\n\"); }\n";
        String b = "void b(void) { printk(\"beta\\n\"); }\n";
        String aNew = DECLS + "void a(void) { printk(\"a longer alpha message\\n\"); printk(\"and more\\n\"); }\n";
        // without -fdata-sections all literals share .rodata.str1.1, so b's string moves
        DiffResult r = diff(a + b, aNew + b, "-fno-data-sections");
        assertThat(r.changed()).containsExactly("a");
        Path out = write(r);
        ObjectIndex idx = new ObjectIndex(ElfFile.read(out), out.toString(), X86.ARCH);
        Symbol fa = OutputChecks.function(idx.elf, "a");
        assertThat(OutputChecks.relocations(idx, fa, true)).anyMatch(s -> s.contains("\"a longer alpha message\n\""));
    }

    @Test
    void changedExistingDataIsRefused() {
        String src = "int table[3] = {1, 2, 3};\nint get(int i) { return table[i] + 1; }\n";
        DiffResult r = diff(src, src.replace("{1, 2, 3}", "{1, 2, 4}").replace("+ 1", "+ 2"));
        assertThat(r.outcome()).isEqualTo(DiffResult.Outcome.UNSUPPORTED);
        assertThat(r.problems()).anyMatch(p -> p.location().equals("table") && p.message().contains("existing data"));
        assertThat(r.output()).isNull();
    }

    @Test
    void newDataIsCarried() {
        String src = "int get(int i) { return i + 1; }\n";
        String patched = "static int extra[4] = {5, 6, 7, 8};\nint get(int i) { return i + extra[i & 3]; }\n";
        DiffResult r = diff(src, patched);
        assertThat(r.outcome()).isEqualTo(DiffResult.Outcome.CHANGED);
        // never written, so gcc places it in .rodata
        assertThat(r.newData()).extracting(IncludedData::name, IncludedData::kind, IncludedData::usedBy, IncludedData::section)
                .containsExactly(tuple("extra", IncludedData.Kind.NEW, "get", ".rodata.extra"));
        assertThat(r.data().get(0)).hasToString("extra: new data, used by get");
        Path out = write(r);
        assertThat(ElfFile.read(out).symbols()).anyMatch(s -> s.name().equals("extra") && s.section() != null);
    }

    @Test
    void changedInitCodeAndNotraceFunctionsAreRefusedTogether() {
        String src = "__attribute__((section(\".init.text\"))) int setup(int x) { return x + 1; }\n"
                + "__attribute__((no_instrument_function)) int fast(int x) { return x * 5; }\n";
        DiffResult r = diff(src, src.replace("x + 1", "x + 2").replace("x * 5", "x * 7"));
        assertThat(r.outcome()).isEqualTo(DiffResult.Outcome.UNSUPPORTED);
        assertThat(r.problems()).anyMatch(p -> p.location().equals("setup") && p.message().contains(".init.text"));
        assertThat(r.problems()).anyMatch(p -> p.location().equals("fast") && p.message().contains("fentry"));
        assertThat(r.problems()).allMatch(p -> p.line().startsWith("error: " + tmp.resolve("patched/unit.o") + ": "));
    }

    private static final String JUMP_LABEL = DECLS + "struct static_key { int enabled; };\n"
            + "struct static_key my_key;\n"
            + "static inline __attribute__((always_inline)) int branch(struct static_key *key)\n{\n"
            + "\tasm goto(\"1: .byte 0x0f,0x1f,0x44,0x00,0x00\\n\\t\"\n"
            + "\t\t\".pushsection __jump_table, \\\"aw\\\"\\n\\t.balign 8\\n\\t\"\n"
            + "\t\t\".long 1b - ., %l[l_yes] - .\\n\\t.quad %c0 - .\\n\\t.popsection\\n\\t\" : : \"i\"(key) : : l_yes);\n"
            + "\treturn 0;\nl_yes:\n\treturn 1;\n}\n"
            + "int f(int x)\n{\n\tif (branch(&my_key))\n\t\tprintk(\"key %d\\n\", x);\n\treturn x;\n}\n"
            + "int other(int x)\n{\n\tif (branch(&my_key))\n\t\treturn x + 5;\n\treturn x;\n}\n";

    @Test
    void jumpLabelRecordsFollowTheirFunction() {
        DiffResult r = diff(JUMP_LABEL, JUMP_LABEL.replace("key %d", "key is %d"),
                new DiffOptions(StructSizes.none(), "vmlinux", "fixture.c"));
        assertThat(r.changed()).containsExactly("f");
        Path out = write(r);
        ElfFile e = ElfFile.read(out);
        Section jt = e.section("__jump_table");
        assertThat(jt.size()).as("one 16-byte record: f's, not other's").isEqualTo(16);
        List<Relocation> rel = e.relocationsFor(jt).get(0).relocations();
        assertThat(rel).extracting(x -> x.symbol().name()).contains("my_key");
    }

    @Test
    void jumpLabelKeyDefinedInATargetModuleIsRefused() {
        DiffResult r = diff(JUMP_LABEL, JUMP_LABEL.replace("key %d", "key is %d"),
                new DiffOptions(StructSizes.none(), "my-mod", null));
        assertThat(r.outcome()).isEqualTo(DiffResult.Outcome.UNSUPPORTED);
        assertThat(r.problems()).anyMatch(p -> p.location().equals("f") && p.message().contains("my_key")
                && p.message().contains("static_key_enabled"));
    }

    @Test
    void unknownSpecialSectionPointingAtChangedCodeIsAnError() {
        String src = "int f(int x)\n{\n\tasm volatile(\"1: nop\\n\\t.pushsection .foo_sites, \\\"a\\\"\\n\\t"
                + ".long 1b - .\\n\\t.popsection\");\n\treturn x + 1;\n}\n";
        DiffResult r = diff(src, src.replace("x + 1", "x + 9"));
        assertThat(r.outcome()).isEqualTo(DiffResult.Outcome.UNSUPPORTED);
        assertThat(r.problems()).anyMatch(p -> p.location().equals(".foo_sites") && p.message().contains("unknown"));
    }

    @Test
    void objectsLinkedFromSeveralFilesCorrelateLocalsPerFile() {
        String x = "static int __attribute__((noinline)) helper(int v) { return v + 1; }\n"
                + "int fx(int v) { return helper(v) * 2; }\n";
        String y = "static int __attribute__((noinline)) helper(int v) { return v - 1; }\n"
                + "int fy(int v) { return helper(v) * 3; }\n";
        Path o = Gcc.linkRelocatable(tmp, "orig", Gcc.compileKernelStyle(tmp.resolve("o"), "x", x),
                Gcc.compileKernelStyle(tmp.resolve("o"), "y", y));
        Path p = Gcc.linkRelocatable(tmp, "patched", Gcc.compileKernelStyle(tmp.resolve("p"), "x", x),
                Gcc.compileKernelStyle(tmp.resolve("p"), "y", y.replace("v - 1", "v - 7")));
        DiffResult r = new Differ(DiffOptions.defaults()).diff(o, p);
        assertThat(r.changed()).containsExactly("helper");
        assertThat(r.added()).isEmpty();
        assertThat(r.included()).singleElement().satisfies(f -> assertThat(f.name()).isEqualTo("helper"));
        write(r);
    }

    @Test
    void perCallSiteStaticsGetAFreshCopy() {
        String src = DECLS + "int f(int x)\n{\n\tstatic int __warned;\n\tif (x && !__warned) {\n"
                + "\t\t__warned = 1;\n\t\tprintk(\"once %d\\n\", x);\n\t}\n\treturn x;\n}\n";
        DiffResult r = diff(src, src.replace("once %d", "only once %d"));
        assertThat(r.changed()).containsExactly("f");
        assertThat(r.data()).anyMatch(d -> d.name().startsWith("__warned") && d.kind() == IncludedData.Kind.FRESH_STATIC);
        assertThat(r.newData()).as("a fresh copy is not data the patch adds").isEmpty();
        Path out = write(r);
        assertThat(OutputChecks.sideBand(ElfFile.read(out))).noneMatch(e -> e.name().startsWith("__warned"));
    }

    @Test
    void pointersToChangedFunctionsKeepPointingAtTheOriginal() {
        String src = DECLS + "extern void register_cb(void (*cb)(int));\n"
                + "static void __attribute__((noinline)) cb(int x) { printk(\"cb %d\\n\", x); }\n"
                + "int install(int x)\n{\n\tregister_cb(cb);\n\tcb(x);\n\treturn 0;\n}\n";
        DiffResult r = diff(src, src.replace("cb %d", "cb: %d").replace("return 0", "return 1"));
        assertThat(r.changed()).containsExactlyInAnyOrder("cb", "install");
        Path out = write(r);
        ElfFile e = ElfFile.read(out);
        ObjectIndex idx = new ObjectIndex(e, out.toString(), X86.ARCH);
        Symbol install = OutputChecks.function(e, "install");
        List<String> rel = OutputChecks.relocations(idx, install, false);
        // the call goes to the new cb (an ordinary relocation) ...
        assertThat(rel).anyMatch(x -> x.contains(" cb -4"));
        // ... the stored pointer goes to the original cb (a side-band record for a local)
        assertThat(OutputChecks.sideBand(e)).anyMatch(sb -> sb.name().equals("cb") && sb.section() == install.section()
                && sb.addend() == 0);
    }

    @Test
    void changedSectionGroupIsRefused() {
        String src = "asm(\".section .text.shared_thunk,\\\"axG\\\",@progbits,shared_thunk,comdat\\n\"\n"
                + "    \".globl shared_thunk\\n.type shared_thunk,@function\\nshared_thunk:\\n\"\n"
                + "    \"  movl $1, %eax\\n  ret\\n.size shared_thunk, .-shared_thunk\\n.previous\");\n"
                + "extern int shared_thunk(void);\nint user(void) { return shared_thunk() + 1; }\n";
        DiffResult r = diff(src, src.replace("movl $1", "movl $2"));
        assertThat(r.outcome()).isEqualTo(DiffResult.Outcome.UNSUPPORTED);
        assertThat(r.problems()).anyMatch(p -> p.location().equals(".text.shared_thunk") && p.message().contains("group"));
    }

    @Test
    void anonymousConstantDataCountsByContent() {
        StringBuilder one = new StringBuilder();
        StringBuilder two = new StringBuilder();
        for (int i = 0; i < 64; i++) {
            one.append(i == 0 ? "" : ", ").append(i + 1);
            two.append(i == 0 ? "" : ", ").append(i + 100);
        }
        // big compound literals: gcc packs both into one anonymous .rodata and copies them
        String src = "extern int use(const int *p);\n"
                + "int f(void) { return use((const int[]){" + one + "}); }\n"
                + "int g(void) { return use((const int[]){" + two + "}); }\n";
        DiffResult r = diff(src, src.replace(", 163}", ", 999}"));
        assertThat(r.changed()).as("only g's table changed; its code did not").containsExactly("g");
        write(r);
        DiffResult none = diff(src, src);
        assertThat(none.outcome()).isEqualTo(DiffResult.Outcome.NO_CHANGE);
    }

    @Test
    void identicalBuildsAreNoChange() {
        String src = JUMP_LABEL;
        assertThat(diff(src, src).outcome()).isEqualTo(DiffResult.Outcome.NO_CHANGE);
    }
}
