package dev.kelp.qemu;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Follows the guest's serial console line by line: collects the protocol's marker lines,
 * remembers the first line in which the kernel reports a problem, and notices when the guest
 * has finished. Works on a log that is still growing, so the host can report phases live and
 * watch for a guest that stops making progress.
 */
final class ConsoleMonitor {
    private static final Pattern MARKER = Pattern.compile(
            "KELP:(?<phase>[a-z-]+) (?<status>start|ok|fail|info|pass) (?<up>\\d+(?:\\.\\d+)?)(?: (?<detail>.*))?");

    /** One marker line: the guest's phase, what happened, the guest uptime in seconds. */
    record Marker(String phase, String status, double uptime, String detail, int lineNo, long hostNanos) {}

    /** The first line in which the kernel reported a problem, and the phase it happened in. */
    record Problem(KernelProblem kind, String line, int lineNo, String phase) {
        String describe() {
            return kind.description() + " during " + phase + ": " + KernelProblem.withoutTimeStamp(line).strip();
        }
    }

    private final List<Marker> markers = new ArrayList<>();
    private final Consumer<Marker> listener;
    private Problem firstProblem;
    private Problem firstCrash;
    private String phase = "boot";
    private int lineNo;
    private String result;

    ConsoleMonitor(Consumer<Marker> listener) {
        this.listener = listener;
    }

    void accept(String rawLine, long hostNanos) {
        lineNo++;
        String line = rawLine.replace("\r", "");
        Matcher m = MARKER.matcher(line);
        if (m.find()) {
            Marker marker = new Marker(m.group("phase"), m.group("status"), Double.parseDouble(m.group("up")),
                    m.group("detail") == null ? "" : m.group("detail").strip(), lineNo, hostNanos);
            markers.add(marker);
            if (marker.phase().equals("result")) {
                result = marker.status();
            } else if (marker.status().equals("start")) {
                phase = marker.phase();
            }
            listener.accept(marker);
            return;
        }
        Optional<KernelProblem> kind = KernelProblem.of(line);
        if (kind.isPresent()) {
            Problem p = new Problem(kind.get(), line, lineNo, phase);
            if (firstProblem == null) {
                firstProblem = p;
            }
            if (firstCrash == null && kind.get().isCrash()) {
                firstCrash = p;
            }
        }
    }

    List<Marker> markers() {
        return List.copyOf(markers);
    }

    /** "pass" or "fail" once the guest has reported its result. */
    Optional<String> result() {
        return Optional.ofNullable(result);
    }

    boolean booted() {
        return markers.stream().anyMatch(m -> m.phase().equals("boot"));
    }

    /** The phase the guest was in at the last marker ("boot" before the first one). */
    String phase() {
        return phase;
    }

    Optional<Problem> firstCrash() {
        return Optional.ofNullable(firstCrash);
    }

    Optional<Problem> firstProblem() {
        return Optional.ofNullable(firstProblem);
    }

    /** The guest's own failure report: the detail of the first fail marker, with its phase. */
    Optional<Marker> guestFailure() {
        return markers.stream().filter(m -> m.status().equals("fail") && !m.phase().equals("result")).findFirst();
    }
}
