package dev.kelp.clones;

import dev.kelp.csource.CEntity;
import dev.kelp.csource.CScanner;
import dev.kelp.csource.HunkTouches;
import dev.kelp.csource.PatchedFile;
import dev.kelp.csource.ScannedFile;
import dev.kelp.csource.SourceChange;
import dev.kelp.csource.Touch;
import dev.kelp.csource.UnifiedDiff;
import dev.kelp.util.KelpException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Step (a) of the source route: maps every hunk of a patch onto what it touches in the
 * original source (functions by their real extent, and data, types, macros, file-scope macro
 * invocations and directives), and derives the functions whose code changes. Removed lines
 * are looked up in the original file, added lines in the patched one (the patch is applied in
 * memory), so an insertion is attributed to the entity it lands in and new functions are seen.
 */
public final class HunkMapper {
    /** Kinds whose change alters the code of the functions that use them. */
    private static final Set<CEntity.Kind> USERS_CHANGE = Set.of(CEntity.Kind.MACRO, CEntity.Kind.TYPE,
            CEntity.Kind.DATA, CEntity.Kind.MACRO_USE);

    private final Path root;
    private final List<String> extraUnits;
    private final IncludeGraph includes;
    private final Map<String, ScannedFile> originals = new HashMap<>();

    /**
     * @param root        the original (unpatched) source tree; never modified
     * @param includeDirs include directories relative to {@code root}, for finding the units that include a changed header
     * @param extraUnits  further .c units (relative to root) to search for users of changed headers
     */
    public HunkMapper(Path root, List<String> includeDirs, List<String> extraUnits) {
        this.root = root;
        this.extraUnits = List.copyOf(extraUnits);
        this.includes = new IncludeGraph(root, includeDirs);
    }

    public PatchMapping map(String patchName, UnifiedDiff diff) {
        List<String> units = new ArrayList<>();
        Map<UnifiedDiff.FileDiff, String> paths = new LinkedHashMap<>();
        for (UnifiedDiff.FileDiff fd : diff.files()) {
            String p = resolve(patchName, fd);
            paths.put(fd, p);
            if (isUnit(p) && fd.oldPath() != null) {
                units.add(p);
            }
        }
        for (String u : extraUnits) {
            if (!units.contains(u)) {
                units.add(u);
            }
        }
        List<HunkMapping> hunks = new ArrayList<>();
        Map<String, StartFunction> starts = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        List<PatchedFile> files = new ArrayList<>();
        for (Map.Entry<UnifiedDiff.FileDiff, String> e : paths.entrySet()) {
            files.add(mapFile(patchName, e.getKey(), e.getValue(), units, hunks, starts, notes));
        }
        return new PatchMapping(List.copyOf(hunks), List.copyOf(starts.values()), List.copyOf(notes), List.copyOf(files));
    }

    private PatchedFile mapFile(String patchName, UnifiedDiff.FileDiff fd, String path, List<String> units,
            List<HunkMapping> out, Map<String, StartFunction> starts, List<String> notes) {
        String oldText = fd.oldPath() == null ? "" : read(path);
        SourceChange change = SourceChange.of(patchName, path, fd, oldText);
        PatchedFile pf = change.file();
        ScannedFile before = change.before();
        if (fd.oldPath() == null) {
            notes.add(path + ": new file; nothing in the running kernel to replace");
        } else if (fd.newPath() == null) {
            notes.add(path + ": file deleted by the patch");
        }
        List<String> searchUnits = isUnit(path) ? List.of(path)
                : units.stream().filter(u -> includes.includes(u, path)).toList();
        if (!isUnit(path) && searchUnits.isEmpty() && fd.oldPath() != null) {
            notes.add(path + ": no unit of the patch (or given with --unit) includes this header; users and"
                    + " start functions are only those found in the header itself");
        }
        for (HunkTouches h : change.hunks()) {
            List<Touch> withUsers = new ArrayList<>();
            for (Touch t : h.touches()) {
                Touch full = new Touch(t.file(), t.entity(), t.change(), t.commentOnly(),
                        needsUsers(t, path) ? users(t.entity(), path, before, searchUnits) : List.of());
                withUsers.add(full);
                addStarts(full, path, searchUnits, starts, notes);
            }
            out.add(new HunkMapping(path, h.hunk().index(), h.hunk().oldStart(), h.hunk().newStart(), List.copyOf(withUsers),
                    h.outsideLines(), h.outsideCode()));
        }
        return pf;
    }

    private static boolean needsUsers(Touch t, String path) {
        return USERS_CHANGE.contains(t.entity().kind()) || t.entity().kind() == CEntity.Kind.PROTOTYPE
                || (t.entity().kind() == CEntity.Kind.FUNCTION && !isUnit(path));
    }

    /**
     * Functions that mention what {@code entity} defines, in its own file and the given units.
     * Macros that mention it are followed first (their users change too).
     */
    private List<Touch.Use> users(CEntity entity, String path, ScannedFile own, List<String> units) {
        List<ScannedFile> scope = new ArrayList<>();
        scope.add(own);
        for (String u : units) {
            if (!u.equals(path)) {
                scope.add(original(u));
            }
        }
        Set<String> names = new LinkedHashSet<>(entity.names());
        if (entity.symbol() != null) {
            names.add(entity.symbol());
        }
        boolean grew = true;
        while (grew) {
            grew = false;
            for (ScannedFile f : scope) {
                for (CEntity m : f.entities()) {
                    // Macros and header functions (inlined helpers) that use a name carry the change to their users.
                    boolean carrier = m.kind() == CEntity.Kind.MACRO || (m.kind() == CEntity.Kind.FUNCTION && !isUnit(f.path()));
                    if (carrier && !names.containsAll(m.names()) && intersects(m.identifiers(), names)) {
                        grew |= names.addAll(m.names());
                    }
                }
            }
        }
        List<Touch.Use> users = new ArrayList<>();
        for (ScannedFile f : scope) {
            for (CEntity fn : f.functions()) {
                if (fn == entity || (fn.startLine() == entity.startLine() && f == own)) {
                    continue;
                }
                Set<String> others = new LinkedHashSet<>(fn.identifiers());
                fn.names().forEach(others::remove);
                others.remove(fn.symbol());
                String via = firstCommon(others, names);
                if (via != null) {
                    users.add(new Touch.Use(f.path(), fn.symbol(), via));
                }
            }
        }
        return users;
    }

    private static void addStarts(Touch t, String path, List<String> searchUnits, Map<String, StartFunction> starts,
            List<String> notes) {
        CEntity e = t.entity();
        String where = path + ":" + e.startLine() + "-" + e.endLine();
        if (t.commentOnly()) {
            notes.add(where + ": only comments or blank lines change in " + e.describe()
                    + " (code using __LINE__ after it still moves)");
            return;
        }
        switch (e.kind()) {
            case FUNCTION -> {
                if (t.change() == Touch.Change.ADDED) {
                    notes.add(where + ": new function " + e.symbol() + "; nothing to replace, its callers are what"
                            + " changes");
                } else if (t.change() == Touch.Change.DELETED) {
                    notes.add(where + ": function " + e.symbol() + " is deleted; its callers are what changes");
                } else if (isUnit(path)) {
                    put(starts, new StartFunction(e.symbol(), path, "changed (" + where + ")"));
                } else if (searchUnits.isEmpty()) {
                    put(starts, new StartFunction(e.symbol(), null, "changed in header (" + where + ")"));
                } else if (userUnits(t).isEmpty()) {
                    notes.add(where + ": " + e.describe() + " changes, but no searched unit that includes "
                            + path + " uses it");
                } else {
                    for (String u : userUnits(t)) {
                        put(starts, new StartFunction(e.symbol(), u, "changed in header (" + where + ")"));
                    }
                }
            }
            case DIRECTIVE -> notes.add(where + ": preprocessor directive " + e.name() + " changes; its effect"
                    + " cannot be read from the source alone (compare the builds)");
            case PROTOTYPE -> notes.add(where + ": declaration of " + e.name() + " changes; no code follows from it"
                    + " alone");
            default -> {
                for (Touch.Use u : t.users()) {
                    String reason = "uses " + e.kind().label() + " " + u.via() + " (" + where + ")";
                    if (isUnit(u.unit())) {
                        put(starts, new StartFunction(u.function(), u.unit(), reason));
                    } else if (userUnits(t).isEmpty()) {
                        put(starts, new StartFunction(u.function(), null, reason));
                    } else {
                        // A header function using it: changed wherever the header's users are compiled.
                        for (String unit : userUnits(t)) {
                            put(starts, new StartFunction(u.function(), unit, reason));
                        }
                    }
                }
                if (t.users().isEmpty()) {
                    notes.add(where + ": " + e.describe() + " changes but no function in the searched units uses it");
                }
            }
        }
    }

    /** The .c units in which some function uses the touched entity (directly or through header helpers). */
    private static List<String> userUnits(Touch t) {
        return t.users().stream().map(Touch.Use::unit).filter(HunkMapper::isUnit).distinct().toList();
    }

    private static void put(Map<String, StartFunction> starts, StartFunction s) {
        starts.putIfAbsent(s.unit() + "\u0000" + s.function(), s);
    }

    private static boolean intersects(Collection<String> a, Set<String> b) {
        return firstCommon(a, b) != null;
    }

    private static String firstCommon(Collection<String> a, Set<String> b) {
        for (String s : a) {
            if (b.contains(s)) {
                return s;
            }
        }
        return null;
    }

    private ScannedFile original(String unit) {
        return originals.computeIfAbsent(unit, u -> CScanner.scan(u, read(u)));
    }

    static boolean isUnit(String path) {
        return path.endsWith(".c");
    }

    /** The patch's path as a path under the root: git's a/ b/ prefix stripped when that is what exists. */
    private String resolve(String patchName, UnifiedDiff.FileDiff fd) {
        String raw = fd.oldPath() != null ? fd.oldPath() : fd.newPath();
        List<String> candidates = new ArrayList<>();
        int slash = raw.indexOf('/');
        if (slash > 0) {
            candidates.add(raw.substring(slash + 1));
        }
        candidates.add(raw);
        if (fd.oldPath() == null) {
            return IncludeGraph.normalise(candidates.get(0));
        }
        for (String c : candidates) {
            if (Files.isRegularFile(root.resolve(c))) {
                return IncludeGraph.normalise(c);
            }
        }
        throw new KelpException(patchName + ": " + raw + " not found under " + root + " (tried "
                + String.join(", ", candidates) + "); --source must be the tree the patch applies to");
    }

    private String read(String rel) {
        Path p = root.resolve(rel);
        try {
            return Files.readString(p, StandardCharsets.ISO_8859_1);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new KelpException(p + ": no such file under the source tree");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
