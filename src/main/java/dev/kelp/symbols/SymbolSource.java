package dev.kelp.symbols;

import dev.kelp.target.Target.Layout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Where a target kernel's symbols come from. Give one vmlinux source, plus modules and exports. */
public sealed interface SymbolSource {
    /** A bzImage ({@code /boot/vmlinuz-RELEASE}): its embedded kallsyms tables are decoded. */
    record Vmlinuz(Path file) implements SymbolSource {}

    /** A copy of {@code /proc/kallsyms} (plain, .xz or .gz); module lines {@code [mod]} count too. */
    record Kallsyms(Path file) implements SymbolSource {}

    /** A vmlinux ELF: its .symtab if it has one (FILE symbols included), else its kallsyms tables. */
    record Vmlinux(Path file) implements SymbolSource {}

    /** A System.map (nm -n output filtered by scripts/mksysmap). */
    record SystemMap(Path file) implements SymbolSource {}

    /** A directory searched recursively for .ko files ({@code /lib/modules/RELEASE}). */
    record Modules(Path dir) implements SymbolSource {}

    /** A Module.symvers file. */
    record Symvers(Path file) implements SymbolSource {}

    /**
     * The installed Debian kernel RELEASE, where the target stage's {@link Layout} puts it:
     * /boot/vmlinuz-RELEASE, /lib/modules/RELEASE and, when the headers are installed,
     * /usr/src/linux-headers-RELEASE/Module.symvers.
     */
    static List<SymbolSource> forRelease(String release) {
        List<SymbolSource> out = new ArrayList<>();
        Layout layout = Layout.SYSTEM;
        out.add(new Vmlinuz(layout.image(release)));
        out.add(new Modules(layout.modulesDir(release)));
        Path symvers = layout.symvers(release);
        if (Files.isRegularFile(symvers)) {
            out.add(new Symvers(symvers));
        }
        return out;
    }
}
