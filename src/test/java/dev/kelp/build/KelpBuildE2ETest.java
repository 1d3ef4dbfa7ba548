package dev.kelp.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelp.elf.ElfFile;
import dev.kelp.klp.LivepatchModule;
import dev.kelp.qemu.LivepatchTestRun;
import dev.kelp.qemu.TestReport;
import dev.kelp.tree.TreeCache;
import dev.kelp.util.KelpException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The end-to-end suite of issue 6: every patch of src/test/resources/e2e-patches goes through
 * {@code kelp build} against Debian's installed kernel and its source package (the prepared tree
 * and the symbol database are shared by all cases of the JVM); the exit code is the one the case
 * expects, and every built livepatch is proven in QEMU: the case's probe fails before loading,
 * passes while loaded and fails after unloading, with no Oops or warning.
 */
@Tag("e2e")
class KelpBuildE2ETest {

    static List<E2eCase> cases() {
        return E2eCase.all();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void buildsAndProves(E2eCase c, @TempDir Path dir) {
        Path ko = dir.resolve(c.name() + ".ko");
        BuildPipeline.Request req = new BuildPipeline.Request(List.of(c.patch()), "lp_" + c.name().replace('-', '_'), ko,
                Optional.empty(), Optional.empty(), TreeCache.defaultRoot(), 2, true, false, false);
        Path reportFile = dir.resolve("report.json");
        if (c.expect() != 0) {
            assertThatThrownBy(() -> KelpBuild.run(req, System.err::println, reportFile))
                    .isInstanceOfSatisfying(KelpException.class, e -> assertThat(e.exitCode()).as(e.getMessage()).isEqualTo(c.expect()));
            assertThat(reportFile).as("the report is written also when nothing is built").isRegularFile();
            assertThat(ko).doesNotExist();
            return;
        }
        BuildReport report = KelpBuild.run(req, System.err::println, reportFile);
        assertThat(ko).isRegularFile();
        assertThat(reportFile).isRegularFile();
        assertThat(report.objects()).as("every target object lists its functions").isNotEmpty()
                .allSatisfy((object, funcs) -> assertThat(funcs).isNotEmpty());
        LivepatchModule lp = LivepatchModule.read(ElfFile.read(ko));
        report.objects().forEach((object, funcs) -> assertThat(lp.functions().stream()
                .filter(f -> f.object().equals(object)).map(LivepatchModule.PatchedFunction::oldName))
                .as("klp_funcs of %s in %s", object, ko.getFileName())
                .containsExactlyInAnyOrderElementsOf(funcs.stream().filter(BuildReport.FunctionEntry::replaces)
                        .map(BuildReport.FunctionEntry::name).toList()));
        report.summaryLines().forEach(l -> System.err.println("report: " + l));
        if (!c.summary().isEmpty()) {
            assertThat(report.summaryLines()).as("on-screen report").containsExactlyElementsOf(c.summary());
        }
        TestReport proof = LivepatchTestRun.run(LivepatchTestRun.Options.of(ko).withProbe(c.probe())
                .withLoad(c.load().toArray(String[]::new)).withLoadAfter(c.loadAfter().toArray(String[]::new)),
                System.err::println);
        assertThat(proof.passed()).as(c.name() + ": " + proof.verdict()).isTrue();
    }
}
