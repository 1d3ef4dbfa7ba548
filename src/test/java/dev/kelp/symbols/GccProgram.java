package dev.kelp.symbols;

import dev.kelp.util.Proc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Small programs linked by gcc in the test: real ELF executables with FILE symbols and homonym statics. */
final class GccProgram {
    private GccProgram() {}

    /** Links one unit per source into an executable; units are linked in the given order. */
    static Path link(Path dir, String name, List<String> sources) {
        List<String> cmd = new ArrayList<>(List.of("gcc-12", "-O2", "-nostdlib", "-static", "-Wl,-e,a_entry",
                "-o", name));
        try {
            for (int i = 0; i < sources.size(); i++) {
                String file = (char) ('a' + i) + ".c";
                Files.writeString(dir.resolve(file), sources.get(i));
                cmd.add(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Proc.of(cmd).dir(dir).check("gcc");
        return dir.resolve(name);
    }

    /** What scripts/mksysmap writes for a file: nm -n, minus the lines it filters out. */
    static List<String> mksysmap(Path file) {
        String script = "nm -n '" + file + "' | grep -v -e ' [aNUw] ' -e ' \\$' -e ' \\.L' -e ' __crc_'"
                + " -e ' __kstrtab_' -e ' __kstrtabns_' -e ' L0$'";
        Proc.Result r = Proc.of("sh", "-c", script).env("LC_ALL", "C").run();
        return r.stdout().lines().toList();
    }
}
