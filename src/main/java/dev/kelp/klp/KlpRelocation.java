package dev.kelp.klp;

/**
 * One livepatch relocation as written: in {@code .klp.rela.<lpObject>.<section>} at
 * {@code offset}, against {@code .klp.sym.<object>.<symbol>,<sympos>}.
 *
 * @param rule the decision rule that produced it (for reports)
 */
record KlpRelocation(String lpObject, String section, long offset, int type, long addend, String object,
        String symbol, int sympos, String rule) {

    /** The klp symbol name. */
    public String klpSymbol() {
        return KlpNames.symbol(object, symbol, sympos);
    }

    /** The klp relocation section name. */
    public String klpSection() {
        return KlpNames.relaSection(lpObject, section);
    }
}
