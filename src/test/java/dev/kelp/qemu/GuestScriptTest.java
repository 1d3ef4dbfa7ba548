package dev.kelp.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelp.util.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestScriptTest {
    @TempDir
    Path tmp;

    private void assertBusyboxParses(String script) throws Exception {
        Path file = Files.writeString(tmp.resolve("init"), script);
        Proc.Result r = Proc.of(Initramfs.BUSYBOX.toString(), "sh", "-n", file.toString()).run();
        assertThat(r.exitCode()).as(r.stderr()).isZero();
    }

    @Test
    void fullProtocolParsesAndRunsThePhasesInOrder() throws Exception {
        String script = GuestScript.render(new GuestScript.Plan("lp_x", List.of("a", "b_c"), List.of("late"),
                true, true, 7));
        assertBusyboxParses(script);
        assertThat(script).contains("LP=lp_x\n", "T=7\n", "load a b_c\n", "check_late_patched late\n");
        assertThat(script.lines().filter(l -> l.startsWith("begin ")).toList()).containsExactly(
                "begin load", "begin probe-unpatched", "begin livepatch-load", "begin patch-transition",
                "begin load-after", "begin probe-patched", "begin unpatch-transition", "begin livepatch-unload",
                "begin probe-restored");
        assertThat(script.indexOf("start_stress\n")).isBetween(script.indexOf("begin probe-unpatched"),
                script.indexOf("begin livepatch-load"));
        assertThat(script).endsWith("stop_stress\nfinish pass\n");
    }

    @Test
    void withoutProbeOnlyLoadTransitionAndUnloadAreChecked() throws Exception {
        String script = GuestScript.render(new GuestScript.Plan("lp", List.of(), List.of(), false, false, 30));
        assertBusyboxParses(script);
        assertThat(script.lines().filter(l -> l.startsWith("begin ")).toList()).containsExactly(
                "begin livepatch-load", "begin patch-transition", "begin unpatch-transition", "begin livepatch-unload");
    }

    /** The helpers the protocol relies on behave in busybox's shell as intended. */
    @Test
    void helpersWorkInBusyboxShell() throws Exception {
        String script = GuestScript.render(new GuestScript.Plan("lp", List.of(), List.of(), false, false, 1));
        String prelude = script.substring(0, script.indexOf("mark boot ok"))
                .replaceAll("(?m)^(mount|echo 7).*$", ":");
        Path in = Files.writeString(tmp.resolve("in"), "line one\nline  two\n");
        String test = prelude + """
                a=$(centis); sleep 0.2; b=$(centis)
                [ $((b - a)) -ge 15 ] && [ $((b - a)) -le 200 ] && echo centis-ok
                echo "[$(oneline %s)]"
                wait_for false || echo wait-gave-up
                wait_for true && echo wait-ok
                """.formatted(in);
        Proc.Result r = Proc.of(Initramfs.BUSYBOX.toString(), "sh", "-c", test).run();
        assertThat(r.stdout().lines().toList()).containsExactly("centis-ok", "[line one line two]", "wait-gave-up",
                "wait-ok");
    }

    @Test
    void refusesNamesTheShellWouldInterpret() {
        assertThatThrownBy(() -> new GuestScript.Plan("lp; reboot", List.of(), List.of(), false, false, 1))
                .hasMessageContaining("bad module name");
    }
}
