package dev.kelp.qemu;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Console lines that make a test fail whatever the guest reports: the kernel's own reports of
 * a crash, a warning or a refused module. A table, first match wins; the order puts the most
 * specific description first.
 */
enum KernelProblem {
    PANIC("kernel panic", "Kernel panic - not syncing"),
    GPF("general protection fault", "general protection fault"),
    BUG("kernel BUG", "BUG: |kernel BUG at"),
    OOPS("kernel Oops", "\\bOops\\b"),
    WARNING("kernel WARNING", "WARNING: "),
    HUNG_TASK("hung task", "INFO: task .* blocked for more than"),
    RCU_STALL("RCU stall", "rcu: INFO: .*detected stall"),
    STACK_TRACE("kernel stack trace", "Call Trace:"),
    LIVEPATCH_ERROR("livepatch error", "^livepatch: .*(fail|not found|not compatible|not marked|incorrectly"
            + " formatted|invalid access|unresolvable|refusing|may never complete)"),
    MODULE_REFUSED("module refused", "Unknown symbol |disagrees about version of symbol|no symbol version for"
            + "|version magic '.*' should be|Unknown rela relocation|overflow in relocation type"
            + "|Invalid ELF|module is marked as livepatch module, but livepatch support is disabled"
            + "|init suspiciously returned");

    /** Kinds that mean the kernel itself is in trouble, not just a module that did not load. */
    static final List<KernelProblem> CRASHES = List.of(PANIC, GPF, BUG, OOPS, WARNING, HUNG_TASK, RCU_STALL, STACK_TRACE);

    /** The "[   12.345678] " time stamp that CONFIG_PRINTK_TIME puts before kernel messages. */
    private static final Pattern TIME_STAMP = Pattern.compile("^\\[\\s*\\d+\\.\\d+\\]\\s?");

    private final String description;
    private final Pattern pattern;

    KernelProblem(String description, String regex) {
        this.description = description;
        this.pattern = Pattern.compile(regex);
    }

    String description() {
        return description;
    }

    boolean isCrash() {
        return CRASHES.contains(this);
    }

    /** The problem this console line reports, if any. Marker and probe lines never count. */
    static Optional<KernelProblem> of(String consoleLine) {
        String text = withoutTimeStamp(consoleLine);
        if (text.startsWith("KELP:") || text.startsWith("probe| ")) {
            return Optional.empty();
        }
        for (KernelProblem p : values()) {
            if (p.pattern.matcher(text).find()) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    static String withoutTimeStamp(String line) {
        return TIME_STAMP.matcher(line).replaceFirst("");
    }
}
