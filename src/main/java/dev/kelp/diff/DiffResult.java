package dev.kelp.diff;

import dev.kelp.elf.ElfFile;
import java.util.List;

/**
 * What {@link Differ#diff} found.
 *
 * @param outcome   the verdict
 * @param changed   functions present in both objects whose code differs (original names; .cold
 *                  parts counted under their parent)
 * @param added     functions present only in the patched object
 * @param problems  every reason the change cannot be live patched (outcome UNSUPPORTED)
 * @param included  every function of the output and why it is there
 * @param data      every data object of the output and why it is there
 * @param sideBand  number of side-band records (references to unchanged local symbols)
 * @param output    the output object (outcome CHANGED only), not yet written
 */
public record DiffResult(Outcome outcome, List<String> changed, List<String> added, List<Problem> problems,
        List<IncludedFunction> included, List<IncludedData> data, int sideBand, ElfFile output) {

    /** The variables the patch adds (not the fresh copies of per-call-site statics), in output order. */
    public List<IncludedData> newData() {
        return data.stream().filter(d -> d.kind() == IncludedData.Kind.NEW).toList();
    }

    public enum Outcome {
        CHANGED("changed", 0), NO_CHANGE("no-change", 3), UNSUPPORTED("unsupported", 2);

        private final String label;
        private final int exitCode;

        Outcome(String label, int exitCode) {
            this.label = label;
            this.exitCode = exitCode;
        }

        public String label() {
            return label;
        }

        public int exitCode() {
            return exitCode;
        }
    }
}
