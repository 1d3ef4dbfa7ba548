package dev.kelp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.qemu.TestModules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kelp test} as a user runs it. */
class TestCommandTest {
    private String out;
    private String err;

    /** Runs kelp and passes its output on, so the phases of a QEMU proof show in the test log. */
    private int kelp(String... args) {
        CliRun r = CliRun.kelp(args);
        out = r.out();
        err = r.err();
        System.out.print(out);
        System.err.print(err);
        return r.exit();
    }

    @Tag("e2e")
    @Test
    void kernelSamplePassesAndEachPhaseIsTimed(@TempDir Path tmp) throws Exception {
        Path log = tmp.resolve("logs/console.log");
        int rc = kelp("test", "--module", TestModules.module("livepatch-sample").toString(),
                "--probe", "grep -q 'live patched' /proc/cmdline", "--keep-log", log.toString());

        assertThat(rc).isZero();
        assertThat(out).containsPattern("(?m)^kelp test: livepatch_sample on " + TestModules.release()
                + " \\(tcg, 1 CPU, PVH vmlinux, [a-z ]+\\), timeout 30 s$");
        for (String phase : new String[] {"initramfs", "boot", "probe-unpatched", "livepatch-load", "patch-transition",
                "probe-patched", "unpatch-transition", "livepatch-unload", "probe-restored"}) {
            assertThat(out).containsPattern("(?m)^  " + phase + " +\\d+\\.\\d\\d s");
        }
        assertThat(out).containsPattern("(?m)^PASS \\(\\d+\\.\\d s\\)$");
        assertThat(out).contains("console log: " + log);
        assertThat(Files.readString(log)).contains("livepatch: 'livepatch_sample': patching complete",
                "livepatch: 'livepatch_sample': unpatching complete", "KELP:result pass");
    }

    @Test
    void missingModuleFileIsOneErrorLine() {
        assertThat(kelp("test", "--module", "/nonexistent/lp.ko")).isEqualTo(1);
        assertThat(err).isEqualTo("kelp: /nonexistent/lp.ko: no such livepatch module file\n");
    }

    @Test
    void ordinaryModuleIsNotALivepatch() {
        Path dummy = debianModule("dummy");
        assertThat(kelp("test", "--module", dummy.toString())).isEqualTo(1);
        assertThat(err).isEqualTo("kelp: " + dummy + ": not a livepatch module (its .modinfo has no livepatch=Y);"
                + " kelp test loads livepatches only\n");
    }

    @Test
    void unknownTargetModuleIsNamed() {
        assertThat(kelp("test", "--module", TestModules.module("livepatch-sample").toString(),
                "--load", "kelp-no-such-module")).isEqualTo(1);
        assertThat(err).startsWith("kelp: module kelp_no_such_module is not in /lib/modules/")
                .endsWith("modules.dep; name a module of the target kernel or pass a .ko file\n");
    }

    @Test
    void moduleCannotBeLoadedBothBeforeAndAfter() {
        Supplier<String> target = () -> TestModules.module("kelp_target").toString();
        assertThat(kelp("test", "--module", TestModules.module("kelp_target_patch").toString(),
                "--load", target.get(), "--load-after", target.get())).isEqualTo(1);
        assertThat(err).isEqualTo("kelp: module kelp_target is to be loaded after the livepatch, but it is also"
                + " in --load\n");
    }

    @Test
    void dependencyOfAnEarlyModuleCannotComeLater() {
        assertThat(kelp("test", "--module", TestModules.module("livepatch-sample").toString(),
                "--load", "twofish_x86_64_3way", "--load-after", "twofish-common")).isEqualTo(1);
        assertThat(err).isEqualTo("kelp: module twofish_common is to be loaded after the livepatch, but"
                + " twofish_x86_64_3way needs it, so it would be loaded before\n");
    }

    private static Path debianModule(String name) {
        Path dir = Path.of("/lib/modules", TestModules.release());
        try (var lines = Files.lines(dir.resolve("modules.dep"))) {
            return dir.resolve(lines.map(l -> l.substring(0, l.indexOf(':')))
                    .filter(p -> p.endsWith("/" + name + ".ko")).findFirst().orElseThrow());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
