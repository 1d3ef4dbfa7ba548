package dev.kelp.qemu;

import dev.kelp.util.KelpException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The modules that go into the initramfs: those named by the user, from the target's
 * modules.dep or given as files, with everything they need. Produces the initramfs's own
 * modules.dep so that modprobe in the guest loads dependencies in order.
 */
final class ModuleSelection {
    /** Directory, under /lib/modules/RELEASE in the guest, for modules given as files. */
    static final String FILES_DIR = "kelp";

    /** One module: its kernel name, path under /lib/modules/RELEASE, source file, and needs. */
    record Module(String name, String guestPath, Path source, List<String> needs) {}

    private final ModulesDep index;
    private final Map<String, Module> files = new LinkedHashMap<>();
    private final Map<String, Module> selected = new LinkedHashMap<>();

    /** INDEX may be null when the target has no module directory. */
    ModuleSelection(ModulesDep index) {
        this.index = index;
    }

    /** Makes a module file available under its .modinfo name (not yet selected). */
    ModInfo addFile(Path file) {
        ModInfo info = ModInfo.parse(file.toString(), ModuleFiles.read(file));
        Module previous = files.get(info.name());
        if (previous != null && !previous.source().equals(file)) {
            throw new KelpException(file + ": module name " + info.name() + " is also the name of "
                    + previous.source() + "; the kernel cannot load both");
        }
        files.put(info.name(), new Module(info.name(), FILES_DIR + "/" + info.name() + ".ko", file, info.depends()));
        return info;
    }

    /** Selects NAME and its dependency closure; returns the names newly selected, load order. */
    List<String> select(String name) {
        Set<String> order = new LinkedHashSet<>();
        visit(ModInfo.canonical(name), order, new LinkedHashSet<>());
        List<String> added = new ArrayList<>();
        for (String n : order) {
            if (!selected.containsKey(n)) {
                selected.put(n, module(n));
                added.add(n);
            }
        }
        return added;
    }

    /** The names NAME needs, directly or not, in load order. */
    List<String> closure(String name) {
        Set<String> order = new LinkedHashSet<>();
        visit(ModInfo.canonical(name), order, new LinkedHashSet<>());
        order.remove(ModInfo.canonical(name));
        return List.copyOf(order);
    }

    Collection<Module> modules() {
        return selected.values();
    }

    /**
     * modules.dep for the selected modules, depmod's convention: each line lists the module's
     * whole closure, the one to load first last.
     */
    String modulesDep() {
        StringBuilder sb = new StringBuilder();
        for (Module m : selected.values()) {
            sb.append(m.guestPath()).append(':');
            List<String> deps = new ArrayList<>(closure(m.name()));
            java.util.Collections.reverse(deps);
            for (String d : deps) {
                sb.append(' ').append(selected.get(d).guestPath());
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private void visit(String name, Set<String> done, Set<String> active) {
        if (done.contains(name)) {
            return;
        }
        if (!active.add(name)) {
            throw new KelpException("module dependency cycle through " + name);
        }
        for (String dep : module(name).needs()) {
            visit(dep, done, active);
        }
        active.remove(name);
        done.add(name);
    }

    private Module module(String name) {
        Module m = files.get(name);
        if (m != null) {
            return m;
        }
        if (index == null) {
            throw new KelpException("module " + name + " is needed, but the target kernel has no module directory;"
                    + " pass the module as a .ko file");
        }
        String path = index.path(name);
        return new Module(name, ModuleFiles.plainPath(path), index.dir().resolve(path), index.dependencies(name));
    }
}
