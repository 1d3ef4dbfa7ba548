package dev.kelp.csource;

/**
 * A token of C code as the light scanner sees it. Comments never become tokens; a whole
 * preprocessor directive (with its continuation lines) becomes one {@link Kind#DIRECTIVE} token
 * whose {@code text} is the directive without the leading {@code #}.
 */
record CToken(Kind kind, String text, int line, int endLine) {

    public enum Kind { IDENT, NUMBER, STRING, CHAR, PUNCT, DIRECTIVE }

    public boolean is(String punct) {
        return kind == Kind.PUNCT && text.equals(punct);
    }

    public boolean isIdent() {
        return kind == Kind.IDENT;
    }
}
