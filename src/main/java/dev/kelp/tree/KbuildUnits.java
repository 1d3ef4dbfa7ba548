package dev.kelp.tree;

import dev.kelp.util.KelpException;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every C unit the target's config builds, with the final object it ends up in, as kbuild itself
 * says: a dry run ({@code make -n -k vmlinux modules}) prints each compile command, and kbuild
 * tags module objects {@code CC [M]} and passes {@code -DKBUILD_MODNAME} (the module name as the
 * kernel knows it, {@code -} already turned into {@code _}). Asking kbuild avoids re-implementing
 * its Makefile language ({@code obj-$(CONFIG_X)}, composite objects, conditionals).
 *
 * <p>The dry run takes about half a minute on two cores, so its result is stored in the cache
 * entry ({@code units-BUILDKEY.tsv}) and made once per config. Its limits: units that only
 * other builds produce (boot code, vDSO images built by special targets) may be missing; kelp
 * refuses those anyway.
 */
public final class KbuildUnits {
    private static final Pattern CC_ECHO = Pattern.compile("^set -e;\\s+echo '  CC (\\[M\\]| {3}) +([^' ]+\\.o)'");
    private static final Pattern MODNAME = Pattern.compile("-DKBUILD_MODNAME='(?:\\\\'')?\"([^\"]+)\"");
    private static final int FORMAT = 1;

    /**
     * One configured C unit.
     *
     * @param object       the object path in the tree, e.g. {@code fs/xfs/xfs_super.o}
     * @param source       its C source, e.g. {@code fs/xfs/xfs_super.c}
     * @param modules      the modules it is linked into (kernel names); empty when built into vmlinux
     * @param includeDirs  its {@code -I} directories as kbuild passes them ({@code ../X} in the source tree,
     *                     {@code ./X} or {@code X} in the build dir)
     * @param forcedIncludes its {@code -include} files, in the same notation
     */
    public record Unit(String object, String source, List<String> modules, List<String> includeDirs,
            List<String> forcedIncludes) {
        public boolean inVmlinux() {
            return modules.isEmpty();
        }

        /** "vmlinux" or the module name(s), for messages. */
        public String finalObject() {
            return modules.isEmpty() ? "vmlinux" : String.join("+", modules);
        }
    }

    private final Map<String, Unit> bySource;

    private KbuildUnits(Map<String, Unit> bySource) {
        this.bySource = Collections.unmodifiableMap(bySource);
    }

    /** The tree's unit database, computed by a kbuild dry run the first time. */
    public static KbuildUnits load(PreparedTree tree) {
        Path db = tree.root().resolve("units-" + tree.buildKey() + ".tsv");
        return tree.locked(() -> {
            if (!Files.isRegularFile(db)) {
                Path out = tree.root().resolve("dry-run-" + tree.buildKey() + ".txt");
                dryRun(tree, out);
                KbuildUnits units = parseDryRun(out, tree.target().compiler());
                if (units.bySource.size() < 100) {
                    throw new KelpException("kbuild's dry run of " + tree.srcDir() + " listed only " + units.bySource.size()
                            + " units (see " + out + "): the tree is not configured properly");
                }
                units.write(db);
                try {
                    Files.deleteIfExists(out);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return read(db);
        });
    }

    private static void dryRun(PreparedTree tree, Path out) {
        // -k: a dry run still stops at targets it cannot make (Debian's certs/signing_key.pem);
        // the rest of the tree is listed all the same. Output goes to a file: it is ~160 MB.
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "\"${@:2}\" > \"$1\" 2>/dev/null; true", "kelp-dry-run",
                out.toString()));
        // not -s: the quiet "CC [M]" echo lines are what tells module units apart
        cmd.addAll(tree.kbuild().make(tree.srcDir(), tree.objDir(), 1, List.of("-n", "-k", "vmlinux", "modules")).command()
                .stream().filter(a -> !a.equals("-s")).toList());
        dev.kelp.util.Proc.of(cmd).verbose(tree.kbuild().verbose()).timeout(java.time.Duration.ofMinutes(20))
                .check("listing the units kbuild builds for " + tree.target().release());
    }

    static KbuildUnits parseDryRun(Path out, String compiler) {
        Map<String, Unit> units = new LinkedHashMap<>();
        try (BufferedReader r = Files.newBufferedReader(out, StandardCharsets.ISO_8859_1)) {
            String line;
            while ((line = r.readLine()) != null) {
                Matcher m = CC_ECHO.matcher(line);
                if (!m.find()) {
                    continue;
                }
                String object = m.group(2);
                String stem = object.substring(0, object.length() - 2);
                if (object.endsWith(".mod.o") || units.containsKey(stem + ".c")) {
                    continue;
                }
                List<String> tokens = Arrays.asList(line.split("\\s+"));
                String source = stem + ".c";
                if (!tokens.contains("../" + source)) {
                    continue; // generated in the build dir, or not compiled from C
                }
                List<String> modules = List.of();
                if (m.group(1).equals("[M]")) {
                    Matcher mod = MODNAME.matcher(line);
                    if (!mod.find()) {
                        throw new KelpException(out + ": module unit " + object + " has no KBUILD_MODNAME");
                    }
                    modules = List.of(mod.group(1).split(":"));
                }
                units.put(source, new Unit(object, source, modules, optionValues(tokens, compiler, "-I"),
                        optionValues(tokens, compiler, "-include")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new KbuildUnits(units);
    }

    /** Values of {@code -I DIR}/{@code -IDIR} (or {@code -include FILE}) up to the first {@code ;} of the command. */
    private static List<String> optionValues(List<String> tokens, String compiler, String option) {
        List<String> values = new ArrayList<>();
        int start = tokens.indexOf(compiler);
        for (int i = Math.max(0, start); i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (t.endsWith(";") && i > start + 1) {
                break;
            }
            if (t.equals(option) && i + 1 < tokens.size()) {
                values.add(tokens.get(++i));
            } else if (option.equals("-I") && t.startsWith("-I") && t.length() > 2) {
                values.add(t.substring(2));
            }
        }
        return List.copyOf(new java.util.LinkedHashSet<>(values));
    }

    private void write(Path db) {
        Path tmp = db.resolveSibling(db.getFileName() + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp)) {
            w.write("# kelp unit database v" + FORMAT + "\n");
            for (Unit u : bySource.values()) {
                w.write(String.join("\t", u.object(), u.source(), String.join(":", u.modules()),
                        String.join(" ", u.includeDirs()), String.join(" ", u.forcedIncludes())));
                w.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TreeCache.move(tmp, db);
    }

    static KbuildUnits read(Path db) {
        Map<String, Unit> units = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(db)) {
                if (line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                units.put(f[1], new Unit(f[0], f[1], f[2].isEmpty() ? List.of() : List.of(f[2].split(":")),
                        words(f[3]), words(f[4])));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new KbuildUnits(units);
    }

    private static List<String> words(String s) {
        return s.isBlank() ? List.of() : List.of(s.split(" "));
    }

    /** The unit compiled from {@code source} (a path in the tree), if this config builds it. */
    public Optional<Unit> bySource(String source) {
        return Optional.ofNullable(bySource.get(source));
    }

    public java.util.Collection<Unit> all() {
        return bySource.values();
    }

    public int size() {
        return bySource.size();
    }
}
