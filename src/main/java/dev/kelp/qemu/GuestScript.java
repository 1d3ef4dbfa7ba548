package dev.kelp.qemu;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes the guest's /init: a busybox shell script that runs the test protocol and reports
 * each step as a marker line {@code KELP:PHASE STATUS UPTIME [DETAIL]} (STATUS is start, ok,
 * fail or info; UPTIME is the guest's /proc/uptime) and ends with {@code KELP:result pass|fail}.
 *
 * <p>Markers go through /dev/kmsg rather than the tty: the kernel prints each record whole, so
 * a marker is never cut by a kernel message printed at the same moment (tty output and the
 * kernel's console writes interleave freely on the serial port).
 */
final class GuestScript {
    /** Where the probe and stress commands are stored in the initramfs. */
    static final String PROBE = "/kelp/probe.sh";
    static final String STRESS = "/kelp/stress.sh";

    private static final Pattern MODULE_NAME = Pattern.compile("[A-Za-z0-9_]+");

    /** What the guest does: names are kernel module names ('_', not '-'). */
    record Plan(String livepatch, List<String> load, List<String> loadAfter, boolean probe, boolean stress,
            int timeoutSeconds) {
        Plan {
            for (String n : concat(List.of(livepatch), load, loadAfter)) {
                if (!MODULE_NAME.matcher(n).matches()) {
                    throw new IllegalArgumentException("bad module name '" + n + "'");
                }
            }
            load = List.copyOf(load);
            loadAfter = List.copyOf(loadAfter);
        }
    }

    private GuestScript() {}

    static String render(Plan plan) {
        StringBuilder s = new StringBuilder();
        s.append(PRELUDE
                .replace("@LP@", plan.livepatch())
                .replace("@T@", Integer.toString(plan.timeoutSeconds())));
        s.append("mark boot ok \"$(uname -r)\"\n");
        if (!plan.load().isEmpty()) {
            s.append("begin load\nload ").append(String.join(" ", plan.load())).append("\nok\n");
        }
        if (plan.probe()) {
            s.append("begin probe-unpatched\nprobe_must_fail 'probe passed before the livepatch was loaded"
                    + " (a probe must fail on the unpatched kernel)'\n");
        }
        if (plan.stress()) {
            s.append("start_stress\n");
        }
        s.append(PATCH);
        if (!plan.loadAfter().isEmpty()) {
            s.append("begin load-after\nload ").append(String.join(" ", plan.loadAfter())).append('\n');
            for (String m : plan.loadAfter()) {
                s.append("check_late_patched ").append(m).append('\n');
            }
            s.append("ok\n");
        }
        if (plan.probe()) {
            s.append("begin probe-patched\nprobe_must_pass\n");
        }
        s.append(UNPATCH);
        if (plan.probe()) {
            s.append("begin probe-restored\nprobe_must_fail 'probe still passed after the livepatch was unloaded'\n");
        }
        if (plan.stress()) {
            s.append("stop_stress\n");
        }
        s.append("finish pass\n");
        return s.toString();
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        return java.util.Arrays.stream(lists).flatMap(List::stream).toList();
    }

    private static final String PRELUDE = """
            #!/bin/sh
            # /init written by kelp test: the livepatch test protocol; see docs/kelp-test.md.
            export PATH=/bin
            mount -t proc proc /proc
            mount -t sysfs sysfs /sys
            mount -t devtmpfs devtmpfs /dev 2>/dev/null
            # Show every kernel message up to KERN_INFO on the console: WARN and Oops reports
            # print their details at the default level.
            echo 7 > /proc/sys/kernel/printk
            LP=@LP@
            T=@T@
            SYS=/sys/kernel/livepatch/$LP
            PHASE=init
            STRESS_PID=

            mark() {
                read up rest < /proc/uptime
                line="KELP:$1 $2 $up"; shift 2
                [ $# -gt 0 ] && line="$line $*"
                echo "$line" > /dev/kmsg 2>/dev/null || echo "$line"
            }
            begin() { PHASE=$1; mark "$PHASE" start; }
            ok() { mark "$PHASE" ok "$@"; }
            finish() {
                [ -n "$STRESS_PID" ] && kill "$STRESS_PID" 2>/dev/null
                mark result "$1"
                sync
                reboot -f
                sleep 60
            }
            fail() { mark "$PHASE" fail "$@"; finish fail; }
            # One line of at most 300 characters from a file, for a marker.
            oneline() { tr '\\n' ' ' < "$1" | sed 's/  */ /g; s/ $//' | cut -c1-300; }
            centis() { read up rest < /proc/uptime; echo $(( ${up%.*} * 100 + 1${up#*.} - 100 )); }
            # Runs the command until it succeeds; false when T seconds pass first.
            wait_for() {
                end=$(( $(centis) + T * 100 ))
                until "$@"; do
                    [ "$(centis)" -ge "$end" ] && return 1
                    sleep 0.05
                done
            }
            # Tasks with a patched function on their stack, which keeps a transition from finishing:
            # "; old code on the stack of: COMM (pid N) in FUNC, ..." or nothing.
            blockers() {
                funcs=$(ls -d $SYS/*/*/ 2>/dev/null | sed 's|/$||; s|.*/||; s|,.*||' | sort -u)
                found=
                for s in /proc/[0-9]*/stack; do
                    for f in $funcs; do
                        grep -q "] $f+0x" "$s" 2>/dev/null || continue
                        p=${s#/proc/}; p=${p%/stack}
                        found="$found${found:+, }$(cat /proc/$p/comm 2>/dev/null) (pid $p) in $f"
                    done
                done
                [ -n "$found" ] && echo "; old code on the stack of: $found" | cut -c1-240
            }
            settled() { [ "$(cat $SYS/transition 2>/dev/null)" = 0 ]; }
            gone() { [ ! -d $SYS ]; }
            load() {
                for m in "$@"; do
                    modprobe "$m" > /tmp/modprobe.out 2>&1 || fail "module $m was refused: $(oneline /tmp/modprobe.out)"
                    grep -q "^$m " /proc/modules || fail "module $m is not loaded after modprobe"
                done
            }
            run_probe() {
                timeout -s KILL "$T" sh /kelp/probe.sh > /tmp/probe.out 2>&1
                rc=$?
                sed 's/^/probe| /' /tmp/probe.out
                [ "$rc" = 137 ] && fail "probe did not finish within $T s"
                return 0
            }
            probe_must_fail() {
                run_probe
                [ "$rc" = 0 ] && fail "$1"
                ok "probe failed (exit $rc), as it must here"
            }
            probe_must_pass() {
                run_probe
                [ "$rc" = 0 ] || fail "probe did not pass while the livepatch was loaded (exit $rc)"
                ok "probe passed"
            }
            check_late_patched() {
                [ -e "$SYS/$1/patched" ] || return 0
                [ "$(cat "$SYS/$1/patched")" = 1 ] \\
                    || fail "module $1 loaded after the livepatch was not patched (late module patching)"
            }
            start_stress() {
                (
                    n=0
                    while :; do
                        sh /kelp/stress.sh > /tmp/stress.out 2>&1
                        n=$((n + 1))
                        echo $n > /tmp/stress.count
                    done
                ) &
                STRESS_PID=$!
                mark stress info "started in the background"
            }
            stop_stress() {
                kill "$STRESS_PID" 2>/dev/null
                STRESS_PID=
                mark stress info "ran $(cat /tmp/stress.count 2>/dev/null || echo 0) times"
            }

            """;

    private static final String PATCH = """
            begin livepatch-load
            [ -d $SYS ] && fail "a livepatch named $LP is already loaded"
            load $LP
            ok
            begin patch-transition
            [ -d $SYS ] || fail "module $LP loaded but $SYS does not exist: it is not a livepatch"
            wait_for settled || fail "transition of livepatch $LP did not finish within $T s\\
             (enabled=$(cat $SYS/enabled), transition=$(cat $SYS/transition))$(blockers)"
            [ "$(cat $SYS/enabled)" = 1 ] || fail "livepatch $LP is not enabled after its transition"
            ok
            """;

    private static final String UNPATCH = """
            begin unpatch-transition
            echo 0 > $SYS/enabled || fail "cannot disable livepatch $LP (echo 0 > $SYS/enabled failed)"
            wait_for gone || fail "unpatch transition of livepatch $LP did not finish within $T s\\
             (transition=$(cat $SYS/transition 2>/dev/null))$(blockers)"
            ok
            begin livepatch-unload
            rmmod $LP > /tmp/rmmod.out 2>&1 || fail "livepatch module $LP could not be unloaded: $(oneline /tmp/rmmod.out)"
            ok
            """;
}
