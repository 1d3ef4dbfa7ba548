package dev.kelp.build;

import dev.kelp.util.Proc;
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

    /** {@code make -C srcDir O=objDir ...targets} with the target's compiler and release. */
    public Proc make(Path srcDir, Path objDir, int jobs, List<String> targets) {
        List<String> cmd = new ArrayList<>(List.of("make", "-C", srcDir.toString(), "O=" + objDir,
                "CC=" + target.compiler(), "KERNELRELEASE=" + target.release(), "KCFLAGS=" + kcflags()));
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
