package dev.kelp.csource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code #include <...>} and {@code #include "..."} lines of a C file, in order: the one
 * reader of include lines for both include graphs (kelp build's affected units, kelp clones'
 * headers of a unit). Conditionals are not evaluated; includes through macros are not seen.
 */
public final class IncludeLines {
    private IncludeLines() {
    }

    /** One include line: the quoted form is searched first next to the including file. */
    public record Include(boolean quoted, String name) {
    }

    /** The {@code #include} lines of a file, scanned as bytes: sources add up to hundreds of MB. */
    public static List<Include> of(Path file) {
        List<Include> out = new ArrayList<>();
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (IOException e) {
            return out; // a generated header not made yet: nothing to follow
        }
        int i = 0;
        int n = b.length;
        while (i < n) {
            while (i < n && (b[i] == ' ' || b[i] == '\t')) {
                i++;
            }
            if (i < n && b[i] == '#') {
                i++;
                while (i < n && (b[i] == ' ' || b[i] == '\t')) {
                    i++;
                }
                if (startsWith(b, i, "include")) {
                    i += 7;
                    while (i < n && (b[i] == ' ' || b[i] == '\t')) {
                        i++;
                    }
                    if (i < n && (b[i] == '<' || b[i] == '"')) {
                        byte close = b[i] == '<' ? (byte) '>' : (byte) '"';
                        int start = i + 1;
                        int end = start;
                        while (end < n && b[end] != close && b[end] != '\n') {
                            end++;
                        }
                        if (end < n && b[end] == close && end > start) {
                            out.add(new Include(close == '"', new String(b, start, end - start, StandardCharsets.ISO_8859_1)));
                        }
                        i = end;
                    }
                }
            }
            while (i < n && b[i] != '\n') {
                i++;
            }
            i++;
        }
        return out;
    }

    private static boolean startsWith(byte[] b, int at, String word) {
        if (at + word.length() > b.length) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            if (b[at + k] != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
