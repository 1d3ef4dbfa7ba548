package dev.kelp.symbols;

import dev.kelp.util.Proc;
import java.nio.file.Path;
import java.util.List;

/** Small programs linked by gcc in the test (through testsupport.Gcc): real ELF executables with FILE symbols and homonym statics. */
final class GccProgram {
    private GccProgram() {}

    /** The flags of a kernel-like static program with entry a_entry (see {@code testsupport.Gcc#linkProgram}). */
    static final String[] PROGRAM_FLAGS = {"-O2", "-nostdlib", "-static", "-Wl,-e,a_entry"};

    /** What scripts/mksysmap writes for a file: nm -n, minus the lines it filters out. */
    static List<String> mksysmap(Path file) {
        String script = "nm -n '" + file + "' | grep -v -e ' [aNUw] ' -e ' \\$' -e ' \\.L' -e ' __crc_'"
                + " -e ' __kstrtab_' -e ' __kstrtabns_' -e ' L0$'";
        Proc.Result r = Proc.of("sh", "-c", script).env("LC_ALL", "C").run();
        return r.stdout().lines().toList();
    }
}
