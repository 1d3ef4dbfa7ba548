package dev.kelp.klp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.elf.ElfFile;
import dev.kelp.qemu.LivepatchTestRun;
import dev.kelp.qemu.TestReport;
import dev.kelp.symbols.KSym;
import dev.kelp.symbols.KernelSymbols;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The converted modules load in Debian's kernel under QEMU and change what /proc/cmdline
 * prints; the probe checks the value each klp relocation resolved to (the guest boots with
 * nokaslr, so the addresses are those of the symbol database).
 */
class KlpConvertQemuTest {
    private static final String VMLINUX = KernelSymbols.VMLINUX;

    @TempDir
    Path tmp;

    private Path converted(String dir) {
        ElfFile elf = ElfFile.read(TestModules.build(dir));
        KlpConverter.convert(elf, TestModules.oracle(), KlpConverter.Options.defaults());
        Path out = tmp.resolve(dir + ".ko");
        elf.write(out);
        return out;
    }

    private static TestReport prove(Path module, String probe) {
        return LivepatchTestRun.run(LivepatchTestRun.Options.of(module).withKernel(TestModules.release()).withProbe(probe));
    }

    @Test
    void useCase1_loadsAndReadsTheUnexportedSymbols() {
        TestReport r = prove(converted("uc1"), "grep -q 'kelp-uc1 processes=[1-9]' /proc/cmdline"
                + " && grep -q 'console=ttyS0' /proc/cmdline");
        assertThat(r.passed()).as(r.verdict()).isTrue();
    }

    @Test
    void useCase1_withoutConversionTheKernelRefusesTheModule() {
        TestReport r = prove(TestModules.build("uc1"), "grep -q 'kelp-uc1' /proc/cmdline");
        assertThat(r.passed()).isFalse();
        assertThat(r.reason()).containsAnyOf("Unknown symbol", "saved_command_line", "nr_processes");
    }

    /** The probe: the patched /proc/cmdline shows the address of the 2nd ucode_path. */
    private static String secondUcodePath() {
        List<KSym> c = TestModules.database().lookup(VMLINUX, "ucode_path");
        assertThat(c).hasSize(2);
        return "grep -q 'kelp-uc2 " + c.get(1).hexAddress() + " kernel/x86/microcode/' /proc/cmdline";
    }

    @Test
    void useCase2_tableAnnotation_resolvesTheChosenSymbol() {
        TestReport r = prove(converted("uc2-sympos"), secondUcodePath());
        assertThat(r.passed()).as(r.verdict()).isTrue();
    }

    @Test
    void useCase2_asmLabel_resolvesTheChosenSymbol() {
        TestReport r = prove(converted("uc2-label"), secondUcodePath());
        assertThat(r.passed()).as(r.verdict()).isTrue();
    }

    @Test
    void moduleExport_isResolvedWhenTheModuleLoadsAfterThePatch() {
        // crc32c_generic first: nf_conntrack needs libcrc32c, whose softdep on crc32c the guest's
        // busybox modprobe does not follow.
        TestReport r = LivepatchTestRun.run(LivepatchTestRun.Options.of(converted("module-export"))
                .withKernel(TestModules.release()).withLoadAfter("crc32c_generic", "nf_conntrack")
                .withProbe("grep -q 'kelp-modexp htable_size=[1-9]' /proc/cmdline"));
        assertThat(r.passed()).as(r.verdict()).isTrue();
    }

    @Test
    void sideBand_resolvesTheUnitsLocalSymbol() {
        KernelSymbols db = TestModules.database();
        int amd = db.lookup(VMLINUX, "collect_cpu_info_amd").get(0).index();
        KSym expected = db.lookup(VMLINUX, "find_patch").stream()
                .min(Comparator.comparingInt(k -> Math.abs(k.index() - amd))).orElseThrow();
        TestReport r = prove(converted("sideband"), "grep -q 'kelp-sideband " + expected.hexAddress()
                + "' /proc/cmdline");
        assertThat(r.passed()).as(r.verdict()).isTrue();
    }
}
