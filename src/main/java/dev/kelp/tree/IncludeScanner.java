package dev.kelp.tree;

import dev.kelp.csource.IncludeLines;
import dev.kelp.csource.IncludeLines.Include;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which units include a given file, directly or through other headers, found by reading
 * {@code #include} lines and resolving them as gcc does: the including file's directory for
 * quoted names, then the {@code -I} directories. Before any build this is the only way to know
 * the units of a header change; kbuild's {@code .cmd} dependency lists exist only for units
 * already built.
 *
 * <p>One include graph for all units, then a reverse walk from the touched file: a name is
 * resolved in the directories every unit shares (kbuild's standard list comes first on every
 * command line), and only a name found in none of them is resolved in every unit-specific
 * directory, keeping each match. Over-approximations, by design: {@code #if} around an include
 * is ignored, and a unit-specific name may match in another unit's directory; a unit listed
 * wrongly just compiles to an identical object. Not seen: includes through macros
 * ({@code #include TRACE_INCLUDE(...)}), used by kernel code only to re-include a trace header a
 * unit already includes by name.
 */
public final class IncludeScanner {
    private final Path srcDir;
    private final Path objDir;
    private final List<Path> commonDirs;
    private final List<Path> extraDirs;
    private final Map<Path, Set<Path>> includedBy = new HashMap<>();
    private final Map<String, List<Path>> extraMatches = new HashMap<>();
    private final Map<String, Path> commonMatches = new HashMap<>();
    private final Set<Path> extraDirSet;
    private final Set<Path> files = new HashSet<>();
    private final Map<String, List<Path>> byBase = new HashMap<>();

    /**
     * The scanner for a prepared tree, its graph read from {@code graphFile} when an earlier run
     * stored it there (the graph is a function of the pristine source, the build dir snapshot
     * after modules_prepare, and the unit list: all fixed for a cache entry), else built (about
     * 10 s: reading ~25 k files) and stored.
     */
    public static IncludeScanner cached(Path graphFile, Path srcDir, Path prepDir, Collection<KbuildUnits.Unit> units) {
        java.util.Optional<Map<Path, Set<Path>>> stored = IncludeGraphFile.read(graphFile, srcDir, prepDir);
        if (stored.isPresent()) {
            return new IncludeScanner(srcDir, prepDir, units, stored.get());
        }
        IncludeScanner built = new IncludeScanner(srcDir, prepDir, units);
        IncludeGraphFile.write(graphFile, srcDir, prepDir, built.includedBy);
        return built;
    }

    private IncludeScanner(Path srcDir, Path objDir, Collection<KbuildUnits.Unit> units, Map<Path, Set<Path>> includedBy) {
        this.srcDir = srcDir;
        this.objDir = objDir;
        this.commonDirs = List.of();
        this.extraDirs = List.of();
        this.extraDirSet = Set.of();
        this.includedBy.putAll(includedBy);
    }

    public IncludeScanner(Path srcDir, Path objDir, Collection<KbuildUnits.Unit> units) {
        this.srcDir = srcDir;
        this.objDir = objDir;
        List<String> common = null;
        Set<String> extra = new LinkedHashSet<>();
        for (KbuildUnits.Unit u : units) {
            if (common == null) {
                common = new ArrayList<>(u.includeDirs());
            } else {
                int n = 0;
                while (n < common.size() && n < u.includeDirs().size() && common.get(n).equals(u.includeDirs().get(n))) {
                    n++;
                }
                common.subList(n, common.size()).clear();
            }
        }
        common = common == null ? List.of() : common;
        for (KbuildUnits.Unit u : units) {
            extra.addAll(u.includeDirs().subList(common.size(), u.includeDirs().size()));
        }
        this.commonDirs = common.stream().map(this::resolveFlag).toList();
        this.extraDirs = extra.stream().map(this::resolveFlag).distinct().toList();
        this.extraDirSet = new HashSet<>(extraDirs);
        index(srcDir, true);
        index(objDir, false);
        buildGraph(units);
    }

    /**
     * Lists the tree's files once: existence checks against a set are what make resolving
     * thousands of names in ~2,000 unit-specific directories cheap.
     */
    private void index(Path root, boolean source) {
        try (java.util.stream.Stream<Path> s = Files.walk(root)) {
            s.filter(p -> {
                String n = p.getFileName().toString();
                return !(source && p.getParent() != null && p.getParent().equals(root) && n.startsWith(".kelp-o-"))
                        && !n.endsWith(".o") && !n.endsWith(".cmd") && !n.endsWith(".ko");
            }).forEach(p -> {
                Path n = p.normalize();
                files.add(n);
                byBase.computeIfAbsent(n.getFileName().toString(), k -> new ArrayList<>()).add(n);
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new dev.kelp.util.KelpException(root + ": cannot list the kernel tree: " + e.getMessage(), e);
        }
    }

    private void buildGraph(Collection<KbuildUnits.Unit> units) {
        ArrayDeque<Path> work = new ArrayDeque<>();
        Set<Path> seen = new HashSet<>();
        for (KbuildUnits.Unit u : units) {
            work.add(srcDir.resolve(u.source()).normalize());
            for (String f : u.forcedIncludes()) {
                work.add(resolveFlag(f));
            }
        }
        while (!work.isEmpty()) {
            Path file = work.poll();
            if (!seen.add(file)) {
                continue;
            }
            for (Include inc : IncludeLines.of(file)) {
                for (Path child : resolve(file, inc)) {
                    includedBy.computeIfAbsent(child, k -> new HashSet<>()).add(file);
                    if (!seen.contains(child)) {
                        work.add(child);
                    }
                }
            }
        }
    }

    /** Every file that includes {@code target}, directly or not (the target itself included). */
    public Set<Path> includers(Path target) {
        Set<Path> out = new HashSet<>();
        ArrayDeque<Path> work = new ArrayDeque<>(List.of(target));
        while (!work.isEmpty()) {
            Path f = work.poll();
            if (out.add(f)) {
                work.addAll(includedBy.getOrDefault(f, Set.of()));
            }
        }
        return out;
    }

    /** True when {@code unit}'s source or one of its forced includes is in {@code files}. */
    public boolean reaches(KbuildUnits.Unit unit, Set<Path> files) {
        if (files.contains(srcDir.resolve(unit.source()).normalize())) {
            return true;
        }
        for (String f : unit.forcedIncludes()) {
            if (files.contains(resolveFlag(f))) {
                return true;
            }
        }
        return false;
    }

    /** A kbuild flag path: {@code ../X} is in the source tree, anything else in the build dir. */
    private Path resolveFlag(String flag) {
        if (flag.startsWith("../")) {
            return srcDir.resolve(flag.substring(3)).normalize();
        }
        return (flag.startsWith("/") ? Path.of(flag) : objDir.resolve(flag)).normalize();
    }

    private List<Path> resolve(Path from, Include inc) {
        if (inc.quoted()) {
            Path p = from.getParent().resolve(inc.name()).normalize();
            if (files.contains(p)) {
                return List.of(p);
            }
        }
        Path common = commonMatches.computeIfAbsent(inc.name(), name -> {
            for (Path d : commonDirs) {
                Path p = d.resolve(name).normalize();
                if (files.contains(p)) {
                    return p;
                }
            }
            return srcDir; // marker: not found in the common directories
        });
        if (!common.equals(srcDir)) {
            return List.of(common);
        }
        return extraMatches.computeIfAbsent(inc.name(), name -> {
            List<Path> all = new ArrayList<>();
            String base = name.substring(name.lastIndexOf('/') + 1);
            int depth = Path.of(name).normalize().getNameCount();
            for (Path candidate : byBase.getOrDefault(base, List.of())) {
                if (candidate.getNameCount() > depth && candidate.endsWith(Path.of(name).normalize())) {
                    Path dir = candidate.getRoot().resolve(candidate.subpath(0, candidate.getNameCount() - depth));
                    if (extraDirSet.contains(dir)) {
                        all.add(candidate);
                    }
                }
            }
            return all;
        });
    }
}
