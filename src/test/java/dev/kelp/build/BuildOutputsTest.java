package dev.kelp.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelp.module.RecordSizeProbe;
import dev.kelp.target.Target;
import dev.kelp.tree.TreeCache;
import dev.kelp.util.KelpException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files {@code kelp build} writes for the user: a bad {@code -o} or {@code --report} fails
 * before the build starts, and the module reaches {@code -o} only when every stage and check has
 * passed, in one rename (no .ko that looks complete after a failure).
 */
class BuildOutputsTest {
    @TempDir
    Path dir;

    private BuildPipeline.Request request(Path out) {
        return new BuildPipeline.Request(List.of(E2eCase.DIR.resolve("cmdline-string/fix.patch")), "lp_outputs", out,
                Optional.empty(), Optional.empty(), TreeCache.defaultRoot(), 2, true, false, false);
    }

    private static int exitCode(Throwable e) {
        return ((KelpException) e).exitCode();
    }

    @Test
    void anOutputThatIsADirectoryFailsAtOnce() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        List<String> progress = new java.util.ArrayList<>();
        assertThatThrownBy(() -> KelpBuild.run(request(out), progress::add, null))
                .hasMessage(out + ": is a directory; give the path of the file to write the module to")
                .satisfies(e -> assertThat(exitCode(e)).isEqualTo(KelpException.ERROR));
        assertThat(progress).as("no stage ran").isEmpty();
    }

    @Test
    void anOutputWhereNoFileCanBeCreatedFailsAtOnce() {
        // /proc takes no new files, whatever the permissions say (the tests may run as root)
        Path out = Path.of("/proc/kelp-test.ko");
        assertThatThrownBy(() -> KelpBuild.run(request(out), s -> { }, null))
                .hasMessage(out + ": cannot write the module there (/proc does not accept new files); choose another path");
        Path report = Path.of("/proc/kelp-test.json");
        assertThatThrownBy(() -> KelpBuild.run(request(dir.resolve("x.ko")), s -> { }, report))
                .hasMessage(report + ": cannot write the report there (/proc does not accept new files); choose another path");
        assertThat(dir.resolve("x.ko")).doesNotExist();
    }

    @Test
    void aNameThatCannotNameAModuleFailsAtOnce() {
        BuildPipeline.Request r = request(dir.resolve("x.ko"));
        BuildPipeline.Request badName = new BuildPipeline.Request(r.patches(), "bad name", r.out(), r.kernel(), r.source(),
                r.cacheRoot(), r.jobs(), r.replace(), r.keepWork(), r.verbose());
        List<String> progress = new java.util.ArrayList<>();
        assertThatThrownBy(() -> KelpBuild.run(badName, progress::add, null))
                .hasMessage("livepatch name 'bad name' is not usable as a module name: use at most 55 of the characters"
                        + " A-Z a-z 0-9 _ - (--name)");
        assertThat(progress).as("no stage ran").isEmpty();
    }

    @Test
    void aFailureAfterTheConversionLeavesNoModuleAtTheOutput() throws Exception {
        Path out = Files.writeString(dir.resolve("lp.ko"), "a module from an earlier run");
        Target target = Target.discover(Optional.empty(), Optional.empty());
        List<RecordSizeProbe.Question> questions = dev.kelp.arch.registry.Machines.forKernelConfig(target.config()::isSet).arch().recordTypes().stream()
                .map(t -> new RecordSizeProbe.Question(t.section(), t.cType(), t.header(), t.configOption())).toList();
        KlpModuleConverter real = new KlpModuleConverter(TargetSymbols::of);
        Path[] given = new Path[1];
        ConversionStep convertsThenFails = (linked, t, to) -> {
            given[0] = real.convert(linked, t, to);
            assertThat(given[0]).isRegularFile();
            throw new KelpException("a check after the conversion failed");
        };
        BuildPipeline pipeline = new BuildPipeline(new KelpUnitDiffer(target.release(), TargetSymbols::of), convertsThenFails,
                questions, s -> { });
        assertThatThrownBy(() -> pipeline.run(request(out))).hasMessage("a check after the conversion failed");
        assertThat(given[0]).as("the converter writes into the run's work, not to -o").isNotEqualTo(out);
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.toList()).as("nothing written next to -o, and an earlier run's module is gone").isEmpty();
        }
    }

    @Test
    void aCallToASymbolTheKernelDoesNotHaveIsNamedAndNoModuleIsWritten() throws Exception {
        Path patch = Files.writeString(dir.resolve("undef.patch"), """
                --- a/fs/proc/cmdline.c
                +++ b/fs/proc/cmdline.c
                @@ -4,9 +4,12 @@
                 #include <linux/proc_fs.h>
                 #include <linux/seq_file.h>
                \s
                +extern int kelp_no_such_function(void);
                +
                 static int cmdline_proc_show(struct seq_file *m, void *v)
                 {
                 	seq_puts(m, saved_command_line);
                +	seq_printf(m, "%d", kelp_no_such_function());
                 	seq_putc(m, '\\n');
                 	return 0;
                 }
                """);
        Path out = dir.resolve("out/undef.ko");
        BuildPipeline.Request r = request(out);
        BuildPipeline.Request undef = new BuildPipeline.Request(List.of(patch), r.name(), out, r.kernel(), r.source(),
                r.cacheRoot(), r.jobs(), r.replace(), r.keepWork(), r.verbose());
        Path report = Files.writeString(dir.resolve("report.json"), "{\"from\": \"an earlier run\"}");
        assertThatThrownBy(() -> KelpBuild.run(undef, s -> { }, report))
                .satisfies(e -> assertThat(exitCode(e)).isEqualTo(KelpException.ERROR))
                .hasMessageStartingWith("undef.ko not written: kelp_no_such_function: not exported and not defined in vmlinux"
                        + " or any module of ")
                .hasMessageEndingWith("; " + KlpModuleConverter.missingHint(Target.discover(Optional.empty(), Optional.empty())
                        .release()))
                .hasMessageNotContaining("--modules")
                .hasMessageNotContaining("\n");
        assertThat(out).doesNotExist();
        // the report was written when the diffs were known; it must not describe a module that does not exist
        assertThat(report).doesNotExist();
    }

    @Test
    void noFunctionalChangeNamesTheUnitsAndWritesNoModule() throws Exception {
        Path out = Files.writeString(dir.resolve("comment.ko"), "a module from an earlier run");
        BuildPipeline.Request r = request(out);
        BuildPipeline.Request comment = new BuildPipeline.Request(List.of(E2eCase.DIR.resolve("comment-only/fix.patch")),
                r.name(), out, r.kernel(), r.source(), r.cacheRoot(), r.jobs(), r.replace(), r.keepWork(), r.verbose());
        Path report = dir.resolve("comment.json");
        assertThatThrownBy(() -> KelpBuild.run(comment, s -> { }, report))
                .satisfies(e -> assertThat(exitCode(e)).isEqualTo(KelpException.NO_CHANGE))
                .hasMessage("fs/proc/meminfo.c: no functional change (the patched source compiles to the same code);"
                        + " no module written");
        assertThat(out).doesNotExist();
        assertThat(report).as("exit 3 keeps the report").content().contains("\"outcome\" : \"no_change\"");
        assertThat(json(report).get("outcome").asText()).isEqualTo("no_change");
        assertThat(json(report).get("units").get(0).get("outcome").asText()).isEqualTo("no_change");
    }

    private static com.fasterxml.jackson.databind.JsonNode json(Path file) throws java.io.IOException {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
    }

    private BuildPipeline.Request withPatch(Path patch, Path out) {
        BuildPipeline.Request r = request(out);
        return new BuildPipeline.Request(List.of(patch), r.name(), out, r.kernel(), r.source(), r.cacheRoot(), r.jobs(),
                r.replace(), r.keepWork(), r.verbose());
    }

    /** A documentation-only change: not kernel code. */
    private static final String DOC_PATCH = """
                --- a/Documentation/admin-guide/sysctl/fs.rst
                +++ b/Documentation/admin-guide/sysctl/fs.rst
                @@ -1,3 +1,4 @@
                +.. kelp
                 ===============================
                 Documentation for /proc/sys/fs/
                 ===============================
                """;

    @Test
    void aRefusedFileWritesAReportNamingItAndTheIgnoredFiles() throws Exception {
        // assembly and documentation: refused before the unit database is asked, no unit built
        Path patch = Files.writeString(dir.resolve("asm.patch"), """
                --- a/arch/x86/entry/entry_64.S
                +++ b/arch/x86/entry/entry_64.S
                @@ -1,3 +1,4 @@
                 /* SPDX-License-Identifier: GPL-2.0 */
                +/* kelp */
                 /*
                  *  linux/arch/x86_64/entry.S
                """ + DOC_PATCH);
        Path report = dir.resolve("asm.json");
        List<String> progress = new java.util.ArrayList<>();
        assertThatThrownBy(() -> KelpBuild.run(withPatch(patch, dir.resolve("asm.ko")), progress::add, report))
                .satisfies(e -> assertThat(exitCode(e)).isEqualTo(KelpException.UNSUPPORTED))
                .hasMessageStartingWith("cannot live patch this change: arch/x86/entry/entry_64.S: assembly cannot be live patched");
        var r = json(report);
        assertThat(r.get("outcome").asText()).isEqualTo("unsupported");
        assertThat(r.get("kernel").asText()).isEqualTo(Target.discover(Optional.empty(), Optional.empty()).release());
        assertThat(r.get("units")).isEmpty();
        assertThat(r.get("refused")).hasSize(1);
        assertThat(r.get("refused").get(0).get("path").asText()).isEqualTo("arch/x86/entry/entry_64.S");
        assertThat(r.get("refused").get(0).get("reason").asText()).startsWith("assembly cannot be live patched");
        assertThat(r.get("ignored")).hasSize(1);
        assertThat(r.get("ignored").get(0).get("path").asText()).isEqualTo("Documentation/admin-guide/sysctl/fs.rst");
        assertThat(r.get("ignored").get(0).get("reason").asText()).isEqualTo("not kernel code");
        assertThat(progress).noneMatch(l -> l.startsWith("built "));
    }

    @Test
    void noUnitAffectedWritesAReportWithTheIgnoredFiles() throws Exception {
        Path patch = Files.writeString(dir.resolve("doc.patch"), DOC_PATCH);
        Path report = dir.resolve("doc.json");
        assertThatThrownBy(() -> KelpBuild.run(withPatch(patch, dir.resolve("doc.ko")), s -> { }, report))
                .satisfies(e -> assertThat(exitCode(e)).isEqualTo(KelpException.NO_CHANGE))
                .hasMessage("no unit of this kernel is affected: Documentation/admin-guide/sysctl/fs.rst: not kernel code");
        var r = json(report);
        assertThat(r.get("outcome").asText()).isEqualTo("no_change");
        assertThat(r.get("units")).isEmpty();
        assertThat(r.get("refused")).isEmpty();
        assertThat(r.get("ignored").get(0).get("path").asText()).isEqualTo("Documentation/admin-guide/sysctl/fs.rst");
        assertThat(r.get("ignored").get(0).get("reason").asText()).isEqualTo("not kernel code");
        assertThat(dir.resolve("doc.ko")).doesNotExist();
    }

    /** Two pre-patch callback records in one unit (the macro allows one; a hand-written record adds the second). */
    private static String twoPrePatchCallbacks(String file, int line, String context) {
        return "--- a/" + file + "\n+++ b/" + file + "\n@@ -" + line + ",1 +" + line + ",7 @@\n " + context + "\n"
                + "+#include \"kpatch-macros.h\"\n"
                + "+static int kelp_pre_a(patch_object *obj) { return 0; }\n"
                + "+static int kelp_pre_b(patch_object *obj) { return 0; }\n"
                + "+KPATCH_PRE_PATCH_CALLBACK(kelp_pre_a);\n"
                + "+static struct kpatch_pre_patch_callback kelp_second __section(\".kpatch.callbacks.pre_patch\") __used ="
                + " { .fn = kelp_pre_b };\n"
                + "+\n";
    }

    @Test
    void problemsFoundWhileDiffingAreAllListedAndReported() throws Exception {
        Path a = Files.writeString(dir.resolve("a.patch"), twoPrePatchCallbacks("fs/proc/version.c", 8, "#include \"internal.h\""));
        Path b = Files.writeString(dir.resolve("b.patch"), twoPrePatchCallbacks("fs/proc/cmdline.c", 5, "#include <linux/seq_file.h>"));
        Path out = dir.resolve("two.ko");
        Path report = dir.resolve("two.json");
        BuildPipeline.Request r = request(out);
        BuildPipeline.Request both = new BuildPipeline.Request(List.of(a, b), r.name(), out, r.kernel(), r.source(),
                r.cacheRoot(), r.jobs(), r.replace(), r.keepWork(), r.verbose());
        assertThatThrownBy(() -> KelpBuild.run(both, s -> { }, report))
                .satisfies(e -> assertThat(exitCode(e)).isEqualTo(KelpException.UNSUPPORTED))
                .hasMessageStartingWith("cannot live patch this change: ")
                .hasMessageContaining("fs/proc/version.c: two pre_patch callbacks")
                .hasMessageContaining("fs/proc/cmdline.c: two pre_patch callbacks");
        assertThat(out).doesNotExist();
        var units = json(report).get("units");
        assertThat(json(report).get("outcome").asText()).isEqualTo("unsupported");
        assertThat(units).hasSize(2).allSatisfy(u -> {
            assertThat(u.get("outcome").asText()).isEqualTo("unsupported");
            assertThat(u.get("problems").get(0).asText()).contains("two pre_patch callbacks");
        });
    }

    @Test
    void callbacksAreReportedByTheirKind() throws Exception {
        Path out = dir.resolve("callbacks.ko");
        Path report = dir.resolve("callbacks.json");
        List<String> progress = new java.util.ArrayList<>();
        BuildReport built = KelpBuild.run(withPatch(E2eCase.DIR.resolve("callbacks/fix.patch"), out), progress::add, report);
        assertThat(out).isRegularFile();
        java.util.Map<String, String> why = new java.util.HashMap<>();
        json(report).get("objects").get("vmlinux").forEach(f -> why.put(f.get("name").asText(), f.get("why").asText()));
        assertThat(why).containsEntry("kelp_pre_patch", "pre-patch callback").containsEntry("kelp_post_patch", "post-patch callback")
                .containsEntry("kelp_pre_unpatch", "pre-unpatch callback").containsEntry("version_proc_show", "changed");
        assertThat(json(report).get("outcome").asText()).isEqualTo("built");
        assertThat(built.summaryLines()).singleElement().asString().contains("kelp_pre_patch (pre-patch callback)")
                .contains("kelp_post_patch (post-patch callback)").contains("kelp_pre_unpatch (pre-unpatch callback)")
                .doesNotContain("(new)");
    }

    @Test
    void aCacheThatCannotBeUsedFailsAtOnce() throws Exception {
        BuildPipeline.Request r = request(dir.resolve("x.ko"));
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        for (Path cache : List.of(file, Path.of("/proc/kelp-cache"))) {
            BuildPipeline.Request bad = new BuildPipeline.Request(r.patches(), r.name(), r.out(), r.kernel(), r.source(),
                    cache, r.jobs(), r.replace(), r.keepWork(), r.verbose());
            List<String> progress = new java.util.ArrayList<>();
            assertThatThrownBy(() -> KelpBuild.run(bad, progress::add, null))
                    .hasMessageStartingWith(cache + ": cannot hold the build cache")
                    .hasMessageEndingWith("; choose another with --cache DIR or $KELP_CACHE");
            assertThat(progress).as("no stage ran").isEmpty();
        }
    }

    @Test
    void anOutputThatIsAnInputIsRefusedAndTheInputKept() throws Exception {
        Path patch = Files.copy(E2eCase.DIR.resolve("cmdline-string/fix.patch"), dir.resolve("fix.patch"));
        String text = Files.readString(patch);
        BuildPipeline.Request r = request(dir.resolve("x.ko"));
        BuildPipeline.Request outIsPatch = new BuildPipeline.Request(List.of(patch), r.name(), dir.resolve("./fix.patch"),
                r.kernel(), r.source(), r.cacheRoot(), r.jobs(), r.replace(), r.keepWork(), r.verbose());
        assertThatThrownBy(() -> KelpBuild.run(outIsPatch, s -> { }, null))
                .hasMessage(dir.resolve("./fix.patch") + ": would overwrite the input " + patch + "; write the module to another file");
        BuildPipeline.Request ok = new BuildPipeline.Request(List.of(patch), r.name(), r.out(), r.kernel(), r.source(),
                r.cacheRoot(), r.jobs(), r.replace(), r.keepWork(), r.verbose());
        assertThatThrownBy(() -> KelpBuild.run(ok, s -> { }, patch))
                .hasMessage(patch + ": would overwrite the input " + patch + "; write the report to another file");
        assertThatThrownBy(() -> KelpBuild.run(ok, s -> { }, r.out()))
                .hasMessage(r.out() + ": would overwrite the input " + r.out() + "; write the report to another file");
        assertThat(patch).hasContent(text);
    }

    @Test
    void installReplacesTheDestinationInOneRenameAndLeavesNoTemporary() throws Exception {
        Path built = Files.writeString(dir.resolve("built.ko"), "new module");
        Path dest = Files.writeString(Files.createDirectories(dir.resolve("out")).resolve("lp.ko"), "old module");
        OutputFiles.install(built, dest);
        assertThat(dest).hasContent("new module");
        try (Stream<Path> s = Files.list(dest.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("lp.ko");
        }
    }
}
