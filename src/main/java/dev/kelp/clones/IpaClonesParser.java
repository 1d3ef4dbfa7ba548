package dev.kelp.clones;

import dev.kelp.util.KelpException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads GCC {@code -fdump-ipa-clones} dumps ({@code <dumpbase>.000i.ipa-clones}). Line layouts
 * (fields separated by {@code ;}, described in docs/clones.md):
 * <pre>
 * Callgraph clone;A name;A order;A file;A line;A col;B name;B order;B file;B line;B col;kind      (12)
 * Callgraph clone;A name;A order;A file;A line;A col;&lt;-;B name;B order;B file;B line;B col;optimization:;kind (14, old)
 * Callgraph removal;name;order;file;line;col                                                   (6)
 * </pre>
 * A is the original node and B the node made from it, in both layouts.
 */
public final class IpaClonesParser {
    private static final String CLONE = "Callgraph clone";
    private static final String REMOVAL = "Callgraph removal";
    private static final int CURRENT_FIELDS = 12;
    private static final int OLD_FIELDS = 14;
    private static final int REMOVAL_FIELDS = 6;
    private static final String OLD_ARROW = "<-";
    private static final String OLD_KIND_TAG = "optimization:";

    private IpaClonesParser() {
    }

    /** Parses a dump file; {@code object} is the target object its unit belongs to. */
    public static IpaDump parse(Path dump, String object) {
        List<String> lines;
        try {
            lines = Files.readAllLines(dump, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new KelpException(dump + ": no such ipa-clones dump (compile the unit with -fdump-ipa-clones)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parse(dump.toString(), object, lines);
    }

    /** Parses dump text; {@code unit} names it in error messages. */
    public static IpaDump parse(String unit, String object, List<String> lines) {
        Set<IpaEdge> edges = new LinkedHashSet<>();
        Set<IpaNode> removed = new LinkedHashSet<>();
        boolean sawOld = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(";", -1);
            String where = unit + ":" + (i + 1);
            if (f[0].equals(CLONE) && f.length == CURRENT_FIELDS) {
                edges.add(edge(where, node(where, f, 1), node(where, f, 6), f[11]));
            } else if (f[0].equals(CLONE) && f.length == OLD_FIELDS) {
                requireMarker(where, f[6], OLD_ARROW, 7);
                requireMarker(where, f[12], OLD_KIND_TAG, 13);
                edges.add(edge(where, node(where, f, 1), node(where, f, 7), f[13]));
                sawOld = true;
            } else if (f[0].equals(REMOVAL) && f.length == REMOVAL_FIELDS) {
                removed.add(node(where, f, 1));
            } else if (f[0].equals(CLONE) || f[0].equals(REMOVAL)) {
                throw new KelpException(where + ": '" + f[0] + "' line has " + f.length + " fields, expected "
                        + (f[0].equals(CLONE) ? "12 (or 14 in the old format)" : "6")
                        + "; is this an ipa-clones dump from GCC?");
            } else {
                throw new KelpException(where + ": not an ipa-clones line (expected 'Callgraph clone;' or"
                        + " 'Callgraph removal;'): " + abbreviate(line));
            }
        }
        IpaDump.Format format = edges.isEmpty() ? IpaDump.Format.EMPTY
                : sawOld ? IpaDump.Format.OLD : IpaDump.Format.CURRENT;
        return new IpaDump(unit, object, List.copyOf(edges), Set.copyOf(removed), format);
    }

    private static IpaEdge edge(String where, IpaNode from, IpaNode to, String kindField) {
        if (kindField.isEmpty()) {
            throw new KelpException(where + ": clone line has an empty kind field");
        }
        return new IpaEdge(from, to, CloneKind.ofField(kindField), kindField);
    }

    private static IpaNode node(String where, String[] f, int at) {
        if (f[at].isEmpty()) {
            throw new KelpException(where + ": empty function name in field " + (at + 1));
        }
        return new IpaNode(f[at], number(where, f, at + 1), f[at + 2], number(where, f, at + 3),
                number(where, f, at + 4));
    }

    private static int number(String where, String[] f, int at) {
        try {
            return Integer.parseInt(f[at]);
        } catch (NumberFormatException e) {
            throw new KelpException(where + ": field " + (at + 1) + " should be a number, found '" + f[at] + "'");
        }
    }

    private static void requireMarker(String where, String found, String expected, int field) {
        if (!found.equals(expected)) {
            throw new KelpException(where + ": 14-field clone line needs '" + expected + "' in field " + field
                    + ", found '" + found + "'");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + " …";
    }

    /** Existing dump names for a compiled unit: GCC writes {@code <output dir>/<src base>.000i.ipa-clones}. */
    public static Path dumpPathFor(Path object, Path source) {
        String base = object.getFileName().toString().replaceFirst("\\.o$", "");
        String fileName = source.getFileName().toString();
        String suffix = fileName.contains(".") ? fileName.substring(fileName.lastIndexOf('.')) : "";
        return object.resolveSibling(base + suffix + ".000i.ipa-clones");
    }

    /** Dumps as a list (helper for callers that hold several units). */
    public static List<IpaDump> parseAll(List<Path> dumps, String object) {
        List<IpaDump> out = new ArrayList<>();
        for (Path p : dumps) {
            out.add(parse(p, object));
        }
        return out;
    }
}
