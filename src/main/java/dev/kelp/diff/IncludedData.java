package dev.kelp.diff;

/**
 * One data object in the output object and why it is there.
 *
 * @param name    its symbol name in the patched object (function statics keep GCC's {@code .N} suffix)
 * @param kind    new data the patch adds, or a fresh copy of a per-call-site static
 * @param usedBy  the included function or data whose relocation pulled it in
 * @param section the output section holding it
 */
public record IncludedData(String name, Kind kind, String usedBy, String section) {

    /** Why a data object is carried. */
    public enum Kind {
        /** A variable the patch adds: it exists only in the patched object. */
        NEW("new data"),
        /** A per-call-site static ({@code __warned}, {@code __already_done} …): never correlated, the patch gets its own. */
        FRESH_STATIC("fresh copy of per-call-site static");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** "new data, used by F". */
    public String reason() {
        return kind.label() + ", used by " + usedBy;
    }

    /** "NAME: REASON", the form the CLI prints. */
    @Override
    public String toString() {
        return name + ": " + reason();
    }
}
