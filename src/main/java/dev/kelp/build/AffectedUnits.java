package dev.kelp.build;

import dev.kelp.tree.IncludeScanner;
import dev.kelp.tree.KbuildUnits;
import dev.kelp.tree.PreparedTree;
import dev.kelp.util.KelpException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The units a set of patches affects, and why: a touched {@code .c} file is its own unit; a
 * touched header (or a {@code .c} file that other files {@code #include}) affects every configured
 * unit that includes it. Files that cannot be live patched are refused, all of them listed at once.
 */
public final class AffectedUnits {

    /**
     * A unit to build twice.
     *
     * @param unit   the kbuild unit (object path, source, final object)
     * @param reason why it is affected, e.g. "patched" or "includes include/linux/foo.h"
     */
    public record Affected(KbuildUnits.Unit unit, String reason) {
    }

    /**
     * A touched file that produces no unit, and why (documentation, not built with this config,
     * included by no configured unit).
     */
    public record Ignored(String path, String reason) {
    }

    /** A touched file that cannot be live patched, and why. */
    public record Refused(String path, String reason) {
    }

    /**
     * Exit 2 (refused files) or 3 (no unit affected), decided before any unit is built; carries
     * what the report says about each touched file.
     */
    public static final class Stopped extends KelpException {
        private final transient List<Refused> refused;
        private final transient List<Ignored> ignored;

        Stopped(String message, int exitCode, List<Refused> refused, List<Ignored> ignored) {
            super(message, exitCode, null);
            this.refused = List.copyOf(refused);
            this.ignored = List.copyOf(ignored);
        }

        public List<Refused> refused() {
            return refused;
        }

        public List<Ignored> ignored() {
            return ignored;
        }
    }

    /**
     * The result.
     *
     * @param units   affected units, in patch order
     * @param ignored touched files that affect no unit
     * @param skipped units that include a touched header but cannot be patched (lib/, vDSO …): their
     *                copies of the change are not live patched
     */
    public record Result(List<Affected> units, List<Ignored> ignored, List<Affected> skipped) {
        /**
         * One line for the progress output: how many units and why, e.g. "12 units (1 patched, 11
         * include include/linux/time_namespace.h)"; the units themselves are in the report.
         */
        public String summary() {
            StringBuilder sb = new StringBuilder(units.size() + (units.size() == 1 ? " unit" : " units"));
            Map<String, Long> byReason = new LinkedHashMap<>();
            units.forEach(a -> byReason.merge(a.reason(), 1L, Long::sum));
            if (byReason.size() > 1 || !byReason.containsKey("patched")) {
                List<String> parts = byReason.entrySet().stream()
                        .map(e -> e.getValue() + " " + e.getKey().replaceFirst("^includes ", e.getValue() == 1 ? "includes " : "include "))
                        .toList();
                sb.append(" (").append(String.join(", ", parts.stream().limit(4).toList()))
                        .append(parts.size() > 4 ? ", …" : "").append(")");
            }
            return sb.toString();
        }
    }

    private AffectedUnits() {
    }

    /**
     * Computes the affected units of {@code patches} (applied in order) in {@code tree}.
     *
     * @throws Stopped exit 2 listing every refused file; exit 3 when no unit is affected
     */
    public static Result compute(PreparedTree tree, List<PatchFile> patches) {
        return compute(tree.srcDir(), () -> KbuildUnits.load(tree), units -> IncludeScanner.cached(
                tree.root().resolve("includes-" + tree.buildKey() + ".graph"), tree.srcDir(), tree.prepDir(), units.all()), patches);
    }

    /** As {@link #compute(PreparedTree, List)}, the include graph built afresh from {@code objDir}. */
    static Result computeUncached(PreparedTree tree, List<PatchFile> patches) {
        return compute(tree.srcDir(), () -> KbuildUnits.load(tree),
                units -> new IncludeScanner(tree.srcDir(), tree.prepDir(), units.all()), patches);
    }

    /** {@code unitsSource} is asked only when no file is refused: the unit database may cost a kbuild dry run. */
    private static Result compute(Path srcDir, java.util.function.Supplier<KbuildUnits> unitsSource,
            java.util.function.Function<KbuildUnits, IncludeScanner> scannerFor, List<PatchFile> patches) {
        Map<String, PatchFile.FileChange> touched = new LinkedHashMap<>();
        for (PatchFile p : patches) {
            for (PatchFile.FileChange c : p.files()) {
                touched.putIfAbsent(c.path(), c);
            }
        }
        List<Refused> early = new ArrayList<>();
        for (String path : touched.keySet()) {
            RefusalRules.refusal(path).ifPresent(r -> early.add(new Refused(path, r)));
        }
        if (!early.isEmpty()) {
            throw refused(early, inert(touched.keySet()));
        }
        checkFilesExist(srcDir, touched.values());
        KbuildUnits units = unitsSource.get();
        List<Refused> refusals = new ArrayList<>();
        List<Ignored> ignored = new ArrayList<>();
        Map<String, Affected> affected = new LinkedHashMap<>();
        Set<String> includedFiles = new LinkedHashSet<>();
        for (PatchFile.FileChange c : touched.values()) {
            String path = c.path();
            Optional<String> refusal = RefusalRules.refusal(path);
            if (refusal.isPresent()) {
                refusals.add(new Refused(path, refusal.get()));
            } else if (RefusalRules.isInert(path)) {
                ignored.add(new Ignored(path, "not kernel code"));
            } else if (c.deleted() && (c.isC() || c.isHeader())) {
                refusals.add(new Refused(path, "deleting a source file cannot be live patched (the running kernel keeps its"
                        + " code); change the functions that use it instead"));
            } else if (c.isC()) {
                Optional<KbuildUnits.Unit> unit = units.bySource(path);
                if (unit.isPresent()) {
                    affected.put(path, new Affected(unit.get(), "patched"));
                } else if (c.created()) {
                    refusals.add(new Refused(path, "a new C file is not built by the running kernel's Makefiles;"
                            + " put new functions into an existing file"));
                } else {
                    includedFiles.add(path); // may be #included by a unit; else not built with this config
                }
            } else if (c.isHeader() || path.endsWith(".inc")) {
                includedFiles.add(path);
            } else {
                refusals.add(new Refused(path, "not C source or a header: kelp cannot tell what it changes in the kernel"));
            }
        }
        if (!refusals.isEmpty()) {
            throw refused(refusals, ignored);
        }
        List<Affected> skipped = new ArrayList<>();
        if (!includedFiles.isEmpty()) {
            includers(srcDir, scannerFor.apply(units), units, includedFiles, affected, skipped, ignored);
        }
        if (affected.isEmpty()) {
            throw new Stopped("no unit of this kernel is affected: "
                    + String.join("; ", ignored.stream().map(i -> i.path() + ": " + i.reason()).toList()),
                    KelpException.NO_CHANGE, List.of(), ignored);
        }
        return new Result(List.copyOf(affected.values()), List.copyOf(ignored), List.copyOf(skipped));
    }

    /**
     * A patch that changes a file the source does not have was made for another tree (or with
     * other than -p1 paths): an error, not "nothing to patch", since the fix was not applied.
     * A file an earlier patch creates is not checked: {@code touched} keeps its first change.
     */
    private static void checkFilesExist(Path srcDir, java.util.Collection<PatchFile.FileChange> touched) {
        List<String> missing = touched.stream().filter(c -> !c.created() && !Files.exists(srcDir.resolve(c.path())))
                .map(PatchFile.FileChange::path).toList();
        if (!missing.isEmpty()) {
            throw new KelpException(String.join(", ", missing) + ": no such file in this kernel's source: the patch"
                    + " was made for another tree, or its paths are not -p1 ('--- a/DIR/FILE'); rebase it on the"
                    + " target kernel's source");
        }
    }

    private static Stopped refused(List<Refused> refusals, List<Ignored> ignored) {
        return new Stopped("cannot live patch " + (refusals.size() == 1 ? "this change" : "these changes") + ": "
                + String.join("; ", refusals.stream().map(r -> r.path() + ": " + r.reason()).toList()),
                KelpException.UNSUPPORTED, refusals, ignored);
    }

    /** The touched files that are not kernel code (documentation …), known without the unit database. */
    private static List<Ignored> inert(java.util.Collection<String> paths) {
        return paths.stream().filter(p -> RefusalRules.refusal(p).isEmpty() && RefusalRules.isInert(p))
                .map(p -> new Ignored(p, "not kernel code")).toList();
    }

    private static void includers(Path srcDir, IncludeScanner scanner, KbuildUnits units, Set<String> files,
            Map<String, Affected> affected, List<Affected> skipped, List<Ignored> ignored) {
        Map<Path, String> targets = new LinkedHashMap<>();
        for (String f : files) {
            targets.put(srcDir.resolve(f).normalize(), f);
        }
        Set<String> reached = new HashSet<>();
        for (Map.Entry<Path, String> t : targets.entrySet()) {
            Set<Path> includers = scanner.includers(t.getKey());
            for (KbuildUnits.Unit unit : units.all()) {
                if (affected.containsKey(unit.source()) || !scanner.reaches(unit, includers)) {
                    continue;
                }
                reached.add(t.getValue());
                Affected a = new Affected(unit, "includes " + t.getValue());
                if (RefusalRules.refusal(unit.source()).isPresent()) {
                    if (skipped.stream().noneMatch(s -> s.unit().equals(unit))) {
                        skipped.add(a);
                    }
                } else {
                    affected.put(unit.source(), a);
                }
            }
        }
        for (String f : files) {
            if (!reached.contains(f)) {
                ignored.add(new Ignored(f, f.endsWith(".c") ? notBuiltReason(srcDir, f)
                        : "no unit built with this kernel's config includes it"));
            }
        }
    }

    private static final Pattern OBJ_LINE = Pattern.compile("^\\s*([A-Za-z0-9_-]+)-\\$\\((CONFIG_[A-Za-z0-9_]+)\\)\\s*[+:]?=.*");

    /** "not built with this kernel's config (CONFIG_FOO is not set)", naming the option when the Makefile says it. */
    static String notBuiltReason(Path srcDir, String cFile) {
        Path mf = srcDir.resolve(cFile).getParent().resolve("Makefile");
        String base = cFile.substring(cFile.lastIndexOf('/') + 1).replaceAll("\\.c$", ".o");
        String option = null;
        try {
            if (Files.isRegularFile(mf)) {
                for (String line : Files.readAllLines(mf, java.nio.charset.StandardCharsets.ISO_8859_1)) {
                    Matcher m = OBJ_LINE.matcher(line);
                    if (m.matches() && line.matches(".*[\\s=]" + Pattern.quote(base) + "(\\s.*|$)")) {
                        option = m.group(2);
                        break;
                    }
                }
            }
        } catch (java.io.IOException e) {
            option = null;
        }
        return "not built with this kernel's config" + (option == null ? "" : " (" + option + " is not set)")
                + ": nothing to patch";
    }
}
