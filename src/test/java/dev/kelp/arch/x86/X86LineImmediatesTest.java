package dev.kelp.arch.x86;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.arch.Arch;
import dev.kelp.arch.FunctionEntry;
import dev.kelp.arch.ImmediateField;
import dev.kelp.arch.RelocIndex;
import dev.kelp.arch.registry.Machines;
import dev.kelp.elf.Elf;
import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Relocation;
import dev.kelp.elf.Section;
import dev.kelp.elf.Symbol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Line-number masking on code gcc compiles here with kernel-like flags: shifting the source by a
 * few lines must leave the masked function equal; a real change (an argument that is not a line,
 * an arithmetic constant) must not.
 */
class X86LineImmediatesTest {
    private static final String SOURCE = """
            extern void __might_sleep(const char *file, int line);
            extern int _printk(const char *fmt, ...);
            extern void __warn_printk(const char *fmt, ...);
            extern void consume(int a, int b);
            /*PAD*/
            int work(int x)
            {
            \t__might_sleep(__FILE__, __LINE__);
            \tif (x > 3)
            \t\t_printk("%s:%d\\n", __func__, __LINE__);
            \tconsume(x, 42);
            \tif (x == 7)
            \t\t__warn_printk("RTNL: assertion failed at %s (%d)\\n", __FILE__, __LINE__);
            \treturn x + 1;
            }
            """;

    private static final List<String> FLAGS = List.of("-O2", "-c", "-pg", "-mfentry", "-mrecord-mcount",
            "-ffunction-sections", "-fdata-sections", "-fno-pic", "-mcmodel=kernel", "-mno-red-zone",
            "-fno-asynchronous-unwind-tables", "-fno-stack-protector");

    @TempDir
    Path dir;

    private final Arch arch = Machines.forElf(Elf.EM_X86_64).arch();

    /** The compiled function: its section's bytes, its range, the section's relocations. */
    record Fn(String source, byte[] data, int start, int end, List<Relocation> relocs) {
        byte[] bytes() {
            return Arrays.copyOfRange(data, start, end);
        }
    }

    private Fn compile(String name, String source, String... extraFlags) throws IOException, InterruptedException {
        Path c = dir.resolve(name + ".c");
        Files.writeString(c, source);
        Path o = dir.resolve(name + ".o");
        List<String> cmd = new ArrayList<>(List.of(compiler()));
        cmd.addAll(FLAGS);
        cmd.addAll(List.of(extraFlags));
        cmd.addAll(List.of("-o", o.toString(), c.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(log).isZero();
        ElfFile elf = ElfFile.read(o);
        Symbol work = elf.symbols().stream().filter(s -> s.name().equals("work")).findFirst().orElseThrow();
        Section sec = work.section();
        return new Fn(source, sec.data(), (int) work.value(), (int) (work.value() + work.size()),
                TestObjects.relocs(elf, sec));
    }

    /** gcc, or gcc-12 (what scripts/install-deps installs) when there is no plain gcc. */
    private static String compiler() {
        for (String dir : System.getenv("PATH").split(":")) {
            if (Files.isExecutable(Path.of(dir, "gcc"))) {
                return "gcc";
            }
        }
        return "gcc-12";
    }

    private byte[] masked(Fn f) {
        return arch.maskLineImmediates(f.data(), f.start(), f.end(), f.relocs());
    }

    private List<ImmediateField> lines(Fn f) {
        return arch.lineImmediates(f.data(), f.start(), f.end(), f.relocs());
    }

    /** The 1-based line numbers of the source lines containing {@code marker}. */
    private static int lineOf(String source, String marker) {
        String[] lines = source.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(marker)) {
                return i + 1;
            }
        }
        throw new AssertionError(marker);
    }

    @Test
    void findsEveryLineArgumentAndNothingElse() throws Exception {
        Fn f = compile("base", SOURCE);
        List<ImmediateField> found = lines(f);
        assertThat(found).extracting(ImmediateField::callee)
                .containsExactlyInAnyOrder("__might_sleep", "_printk", "__warn_printk");
        assertThat(found).filteredOn(i -> i.callee().equals("__might_sleep")).singleElement()
                .extracting(ImmediateField::value).isEqualTo((long) lineOf(SOURCE, "__might_sleep(__FILE__"));
        assertThat(found).filteredOn(i -> i.callee().equals("_printk")).singleElement()
                .extracting(ImmediateField::value).isEqualTo((long) lineOf(SOURCE, "_printk(\""));
        assertThat(found).filteredOn(i -> i.callee().equals("__warn_printk")).singleElement()
                .extracting(ImmediateField::value).isEqualTo((long) lineOf(SOURCE, "__warn_printk(\"RTNL"));
        assertThat(found).extracting(ImmediateField::value).doesNotContain(42L);
        for (ImmediateField i : found) {
            assertThat(i.size()).isEqualTo(4);
            assertThat(i.offset()).isBetween(f.start(), f.end() - 4);
        }
    }

    @Test
    void callerSuppliedLineFunctions() throws Exception {
        Fn f = compile("base", SOURCE);
        List<ImmediateField> custom = arch.lineImmediates(f.data(), f.start(), f.end(), RelocIndex.of(f.relocs()),
                Map.of("consume", 1));
        // gcc duplicates the consume() call into two paths: each load is found
        assertThat(custom).isNotEmpty().allSatisfy(i -> {
            assertThat(i.callee()).isEqualTo("consume");
            assertThat(i.value()).isEqualTo(42L);
        });
        assertThat(arch.lineImmediates(f.data(), f.start(), f.end(), RelocIndex.of(f.relocs()), Map.of("consume", 0)))
                .as("42 is the second argument, not the first").isEmpty();
    }

    @Test
    void shiftedLinesCompareEqualAfterMasking() throws Exception {
        Fn base = compile("base", SOURCE);
        Fn shifted = compile("shifted", SOURCE.replace("/*PAD*/", "\n\n\n/* three lines down */"));
        assertThat(shifted.bytes()).as("the raw code differs: line numbers moved").isNotEqualTo(base.bytes());
        assertThat(masked(shifted)).isEqualTo(masked(base));
        assertThat(lines(shifted)).extracting(ImmediateField::value)
                .containsExactlyInAnyOrderElementsOf(lines(base).stream().map(i -> i.value() + 3).toList());
    }

    @Test
    void realChangesSurviveMasking() throws Exception {
        Fn base = compile("base", SOURCE);
        Fn argument = compile("argument", SOURCE.replace("consume(x, 42)", "consume(x, 43)"));
        assertThat(masked(argument)).as("a constant passed to a non-line function").isNotEqualTo(masked(base));
        Fn both = compile("both", SOURCE.replace("/*PAD*/", "\n").replace("return x + 1", "return x + 5"));
        assertThat(masked(both)).as("a line shift plus a real change").isNotEqualTo(masked(base));
        Fn lineArgChanged = compile("linearg", SOURCE.replace("__might_sleep(__FILE__, __LINE__)",
                "__might_sleep(__FILE__, __LINE__ + 100)"));
        assertThat(masked(lineArgChanged)).as("a changed line argument is masked too (the documented limit)")
                .isEqualTo(masked(base));
    }

    @Test
    void fentryHookAfterEndbrAndWithout() throws Exception {
        Fn plain = compile("plain", SOURCE);
        FunctionEntry e = arch.functionEntry(plain.data(), plain.start(), plain.end(), plain.relocs());
        assertThat(e).isEqualTo(new FunctionEntry(0, 0, 5, FunctionEntry.Form.CALL));
        Fn ibt = compile("ibt", SOURCE, "-fcf-protection=branch");
        FunctionEntry withPad = arch.functionEntry(ibt.data(), ibt.start(), ibt.end(), ibt.relocs());
        assertThat(withPad).isEqualTo(new FunctionEntry(4, 4, 5, FunctionEntry.Form.CALL));
        Fn notrace = compile("notrace", SOURCE.replace("int work(int x)",
                "__attribute__((no_instrument_function)) int work(int x)"));
        assertThat(arch.functionEntry(notrace.data(), notrace.start(), notrace.end(), notrace.relocs()).form())
                .isEqualTo(FunctionEntry.Form.NONE);
        Fn nop = compile("nop", SOURCE, "-mnop-mcount");
        assertThat(arch.functionEntry(nop.data(), nop.start(), nop.end(), nop.relocs()))
                .isEqualTo(new FunctionEntry(0, 0, 5, FunctionEntry.Form.NOP_UNRECORDED));
    }
}
