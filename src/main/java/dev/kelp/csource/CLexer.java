package dev.kelp.csource;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits GNU C source into tokens without preprocessing: comments are dropped, string and
 * character literals are single tokens (so braces inside them do not count), and each
 * preprocessor directive, continuation lines and embedded comments included, is one token.
 */
final class CLexer {
    private static final String[] OPERATORS = {
        "<<=", ">>=", "...", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
        "*=", "/=", "%=", "+=", "-=", "&=", "^=", "|=", "##",
    };

    private final String s;
    private int pos;
    private int line = 1;
    private boolean lineStart = true;
    private final List<CToken> out = new ArrayList<>();

    private CLexer(String s) {
        this.s = s;
    }

    static List<CToken> tokenize(String source) {
        CLexer lx = new CLexer(source);
        lx.run();
        return lx.out;
    }

    private void run() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == '\n') {
                line++;
                pos++;
                lineStart = true;
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\u000b') {
                pos++;
            } else if (c == '\\' && pos + 1 < s.length() && s.charAt(pos + 1) == '\n') {
                pos += 2;
                line++;
            } else if (startsWith("/*")) {
                skipBlockComment();
            } else if (startsWith("//")) {
                skipLineComment();
            } else if (c == '#' && lineStart) {
                directive();
            } else {
                lineStart = false;
                token(c);
            }
        }
    }

    private boolean startsWith(String p) {
        return s.startsWith(p, pos);
    }

    private void skipBlockComment() {
        int end = s.indexOf("*/", pos + 2);
        int stop = end < 0 ? s.length() : end + 2;
        countLines(pos, stop);
        pos = stop;
    }

    private void skipLineComment() {
        while (pos < s.length() && s.charAt(pos) != '\n') {
            if (s.charAt(pos) == '\\' && pos + 1 < s.length() && s.charAt(pos + 1) == '\n') {
                pos++;
                line++;
            }
            pos++;
        }
    }

    private void countLines(int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == '\n') {
                line++;
            }
        }
    }

    /** A directive runs to the first newline not escaped by a backslash and not inside a comment. */
    private void directive() {
        int startLine = line;
        StringBuilder text = new StringBuilder();
        pos++;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == '\n') {
                break;
            } else if (c == '\\' && pos + 1 < s.length() && s.charAt(pos + 1) == '\n') {
                text.append(' ');
                pos += 2;
                line++;
            } else if (startsWith("/*")) {
                text.append(' ');
                skipBlockComment();
            } else if (startsWith("//")) {
                skipLineComment();
            } else if (c == '"' || c == '\'') {
                int start = pos;
                skipQuoted(c);
                text.append(s, start, pos);
            } else {
                text.append(c);
                pos++;
            }
        }
        out.add(new CToken(CToken.Kind.DIRECTIVE, text.toString().strip(), startLine, line));
    }

    private void token(char c) {
        int start = pos;
        int startLine = line;
        if (Character.isLetter(c) || c == '_' || c == '$') {
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_'
                    || s.charAt(pos) == '$')) {
                pos++;
            }
            add(CToken.Kind.IDENT, start, startLine);
        } else if (Character.isDigit(c) || (c == '.' && pos + 1 < s.length() && Character.isDigit(s.charAt(pos + 1)))) {
            pos++;
            while (pos < s.length()) {
                char d = s.charAt(pos);
                if ((d == '+' || d == '-') && "eEpP".indexOf(s.charAt(pos - 1)) >= 0) {
                    pos++;
                } else if (Character.isLetterOrDigit(d) || d == '.' || d == '_' || d == '\'') {
                    pos++;
                } else {
                    break;
                }
            }
            add(CToken.Kind.NUMBER, start, startLine);
        } else if (c == '"' || c == '\'') {
            skipQuoted(c);
            add(c == '"' ? CToken.Kind.STRING : CToken.Kind.CHAR, start, startLine);
        } else {
            for (String op : OPERATORS) {
                if (startsWith(op)) {
                    pos += op.length();
                    add(CToken.Kind.PUNCT, start, startLine);
                    return;
                }
            }
            pos++;
            add(CToken.Kind.PUNCT, start, startLine);
        }
    }

    /** Skips a string or character literal; an unterminated one ends at the end of its line. */
    private void skipQuoted(char quote) {
        pos++;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == '\\' && pos + 1 < s.length()) {
                if (s.charAt(pos + 1) == '\n') {
                    line++;
                }
                pos += 2;
            } else if (c == quote) {
                pos++;
                return;
            } else if (c == '\n') {
                return;
            } else {
                pos++;
            }
        }
    }

    private void add(CToken.Kind kind, int start, int startLine) {
        out.add(new CToken(kind, s.substring(start, pos), startLine, line));
    }
}
