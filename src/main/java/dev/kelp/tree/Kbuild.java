package dev.kelp.tree;

import dev.kelp.target.Target;
import dev.kelp.util.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Command lines for the target's kbuild: the same compiler, release and flags for every call, so
 * that a unit built for one run is up to date for the next (kbuild compares command lines).
 *
 * @param target     the kernel being patched
 * @param compatDir  directory holding kelp's {@code kpatch-macros.h}, on every unit's include path
 *                   (a fixed path per cache entry, so command lines stay identical across runs)
 * @param verbose    echo every command (the CLI's --verbose)
 */
public record Kbuild(Target target, Path compatDir, boolean verbose) {

    /**
     * Flags added to every unit: one section per function and per data object, so that changed
     * functions can be cut out of an object one by one (what kpatch-build and klp-build do too).
     */
    public static final String KCFLAGS = "-ffunction-sections -fdata-sections";

    /** {@link #KCFLAGS} plus the compat include directory. */
    public String kcflags() {
        return KCFLAGS + " -I" + compatDir;
    }

    /**
     * Host programs kbuild's {@code prepare} (re)makes before any object: the make target and the
     * program it produces, relative to the build dir. Their {@code tools/} build records absolute
     * paths, so in a copied build dir at another path they look out of date and are rebuilt from
     * scratch (objtool and resolve_btfids: ~80 host compiles, most of a warm run's time).
     */
    private static final List<String[]> HOST_TOOLS = List.of(
            new String[] {"tools/objtool", "tools/objtool/objtool"},
            new String[] {"tools/bpf/resolve_btfids", "tools/bpf/resolve_btfids/resolve_btfids"});

    /** {@code make -C srcDir O=objDir ...targets} with the target's compiler and release. */
    public Proc make(Path srcDir, Path objDir, int jobs, List<String> targets) {
        List<String> cmd = new ArrayList<>(List.of("make", "-C", srcDir.toString(), "O=" + objDir));
        return withCommonArgs(cmd, jobs, targets);
    }

    /**
     * Builds {@code targets} in a prepared build dir whose host programs are already built,
     * without letting kbuild remake them. Runs make in the build dir itself (what kbuild's own
     * {@code O=} sub-make does: the dir's generated Makefile includes {@code ../Makefile}), since
     * {@code -o} (assume old) is not passed on to sub-makes. Sound because the host programs are
     * byte copies of ones built from the same pristine {@code tools/} sources, which kelp refuses
     * to patch ({@link RefusalRules}); a tool that is missing is left to kbuild.
     */
    public Proc makeObjects(Path objDir, int jobs, List<String> targets) {
        List<String> cmd = new ArrayList<>(List.of("make", "-C", objDir.toString()));
        for (String[] tool : HOST_TOOLS) {
            if (Files.isExecutable(objDir.resolve(tool[1]))) {
                cmd.add("--assume-old=" + tool[0]);
            }
        }
        return withCommonArgs(cmd, jobs, targets);
    }

    private Proc withCommonArgs(List<String> cmd, int jobs, List<String> targets) {
        cmd.addAll(List.of("CC=" + target.compiler(), "KERNELRELEASE=" + target.release(), "KCFLAGS=" + kcflags()));
        if (jobs > 1) {
            cmd.add("-j" + jobs);
        }
        if (!verbose) {
            cmd.add("-s");
        }
        cmd.addAll(targets);
        // C locale: compiler messages in plain ASCII, as kelp quotes them (kbuild unexports
        // LC_ALL, so LANG and the two categories that matter are set instead)
        return Proc.of(cmd).verbose(verbose).timeout(Duration.ofHours(2))
                .env("LANG", "C").env("LC_CTYPE", "C").env("LC_MESSAGES", "C");
    }
}
