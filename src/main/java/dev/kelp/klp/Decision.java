package dev.kelp.klp;

/** What becomes of the references to one undefined symbol. */
sealed interface Decision {
    /** Stays an ordinary relocation (the module loader resolves it: a vmlinux export). */
    record Keep(String rule) implements Decision {}

    /**
     * Becomes klp relocations in {@code .klp.rela.<lpObject>.*} against
     * {@code .klp.sym.<object>.<symbol>,<sympos>}.
     */
    record Convert(String lpObject, String object, String symbol, int sympos, String rule) implements Decision {}

    /** Cannot be converted; the message says why and what to do. */
    record Refuse(String message, boolean unsupported) implements Decision {
        Refuse(String message) {
            this(message, false);
        }
    }
}
