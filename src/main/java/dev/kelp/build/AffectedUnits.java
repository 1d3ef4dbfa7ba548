package dev.kelp.build;

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

    /**
     * The result.
     *
     * @param units   affected units, in patch order
     * @param ignored touched files that affect no unit
     * @param skipped units that include a touched header but cannot be patched (lib/, vDSO …): their
     *                copies of the change are not live patched
     */
    public record Result(List<Affected> units, List<Ignored> ignored, List<Affected> skipped) {
        /** One line for the progress output, e.g. "3 units: fs/proc/cmdline.c (patched), …". */
        public String summary() {
            StringBuilder sb = new StringBuilder(units.size() + (units.size() == 1 ? " unit" : " units"));
            long headers = units.stream().filter(a -> !a.reason().equals("patched")).count();
            if (headers > 0) {
                sb.append(" (").append(headers).append(" through headers)");
            }
            return sb.toString();
        }
    }

    private AffectedUnits() {
    }

    /**
     * Computes the affected units of {@code patches} (applied in order) in {@code tree}.
     *
     * @throws KelpException exit 2 listing every refused file; exit 3 when no unit is affected
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
        List<String> early = new ArrayList<>();
        for (String path : touched.keySet()) {
            RefusalRules.refusal(path).ifPresent(r -> early.add(path + ": " + r));
        }
        if (!early.isEmpty()) {
            throw refused(early);
        }
        KbuildUnits units = unitsSource.get();
        List<String> refusals = new ArrayList<>();
        List<Ignored> ignored = new ArrayList<>();
        Map<String, Affected> affected = new LinkedHashMap<>();
        Set<String> includedFiles = new LinkedHashSet<>();
        for (PatchFile.FileChange c : touched.values()) {
            String path = c.path();
            Optional<String> refusal = RefusalRules.refusal(path);
            if (refusal.isPresent()) {
                refusals.add(path + ": " + refusal.get());
            } else if (RefusalRules.isInert(path)) {
                ignored.add(new Ignored(path, "not kernel code"));
            } else if (c.isC()) {
                Optional<KbuildUnits.Unit> unit = units.bySource(path);
                if (unit.isPresent()) {
                    affected.put(path, new Affected(unit.get(), "patched"));
                } else if (c.created()) {
                    refusals.add(path + ": a new C file is not built by the running kernel's Makefiles;"
                            + " put new functions into an existing file");
                } else {
                    includedFiles.add(path); // may be #included by a unit; else not built with this config
                }
            } else if (c.isHeader() || path.endsWith(".inc")) {
                includedFiles.add(path);
            } else {
                refusals.add(path + ": not C source or a header: kelp cannot tell what it changes in the kernel");
            }
        }
        if (!refusals.isEmpty()) {
            throw refused(refusals);
        }
        List<Affected> skipped = new ArrayList<>();
        if (!includedFiles.isEmpty()) {
            includers(srcDir, scannerFor.apply(units), units, includedFiles, affected, skipped, ignored);
        }
        if (affected.isEmpty()) {
            throw new KelpException("no unit of this kernel is affected: "
                    + String.join("; ", ignored.stream().map(i -> i.path() + ": " + i.reason()).toList()),
                    KelpException.NO_CHANGE, null);
        }
        return new Result(List.copyOf(affected.values()), List.copyOf(ignored), List.copyOf(skipped));
    }

    private static KelpException refused(List<String> refusals) {
        return new KelpException("cannot live patch " + (refusals.size() == 1 ? "this change" : "these changes") + ": "
                + String.join("; ", refusals), KelpException.UNSUPPORTED, null);
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
