package dev.kelp.clones;

import dev.kelp.tree.Kbuild;
import dev.kelp.tree.KbuildUnits;
import dev.kelp.tree.WorkTree;
import dev.kelp.util.KelpException;
import dev.kelp.util.Proc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * {@link UnitCompiler} on {@code kelp build}'s per-run tree: compiles units with the target's
 * kbuild command line ({@link Kbuild#make}: same compiler, release and {@link Kbuild#KCFLAGS}),
 * plus the extra flags, and copies each object and its ipa-clones dump into {@code out}, so a
 * later build in the same tree (the patched one) cannot overwrite them.
 *
 * <p>It builds in the run's private tree, never in the cache's shared build dir: a different
 * KCFLAGS changes kbuild's recorded command line, and the shared dir would then rebuild every
 * such unit for the next {@code kelp build}.
 */
final class KbuildUnitCompiler implements UnitCompiler {
    private final WorkTree work;
    private final Map<String, KbuildUnits.Unit> units;
    private final int jobs;
    private final Path out;

    /**
     * @param work  the run's tree (pristine or patched: whatever its sources are when compile is called)
     * @param units the units that may be asked for, by source path
     * @param jobs  parallel compiler jobs
     * @param out   where objects and dumps are copied (same relative paths as in the build dir)
     */
    public KbuildUnitCompiler(WorkTree work, Map<String, KbuildUnits.Unit> units, int jobs, Path out) {
        this.work = work;
        this.units = Map.copyOf(units);
        this.jobs = jobs;
        this.out = out;
    }

    @Override
    public List<CompiledUnit> compile(Collection<String> sources, List<String> extraFlags) {
        List<KbuildUnits.Unit> todo = new ArrayList<>();
        for (String s : sources) {
            KbuildUnits.Unit u = units.get(s);
            if (u == null) {
                throw new KelpException(s + ": not a unit this kernel's config builds");
            }
            todo.add(u);
        }
        Kbuild kbuild = work.tree().kbuild();
        List<String> targets = new ArrayList<>();
        // A second KCFLAGS= on make's command line overrides the first (the last command-line
        // definition wins, also in sub-makes through MAKEFLAGS): kbuild's own flags plus ours.
        targets.add("KCFLAGS=" + kbuild.kcflags() + (extraFlags.isEmpty() ? "" : " " + String.join(" ", extraFlags)));
        todo.forEach(u -> targets.add(u.object()));
        Proc.Result r = kbuild.makeObjects(work.objDir(), jobs, targets).run();
        if (!r.ok()) {
            throw new KelpException("compiling " + String.join(", ", sources) + " in " + work.objDir() + " failed:\n"
                    + r.tail(25));
        }
        List<CompiledUnit> compiled = new ArrayList<>();
        for (KbuildUnits.Unit u : todo) {
            Path object = copy(u.object());
            Path dump = IpaClonesParser.dumpPathFor(work.objDir().resolve(u.object()), Path.of(u.source()));
            if (Files.isRegularFile(dump)) {
                copy(work.objDir().relativize(dump).toString());
            }
            for (String target : u.inVmlinux() ? List.of("vmlinux") : u.modules()) {
                compiled.add(new CompiledUnit(u.source(), target, object));
            }
        }
        return compiled;
    }

    private Path copy(String relative) {
        Path from = work.objDir().resolve(relative);
        Path to = out.resolve(relative);
        if (!Files.isRegularFile(from)) {
            throw new KelpException("kbuild did not produce " + from + ": is " + relative + " built by this kernel's config?");
        }
        try {
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return to;
    }
}
