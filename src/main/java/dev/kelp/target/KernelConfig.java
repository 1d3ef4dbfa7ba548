package dev.kelp.target;

import dev.kelp.util.KelpException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A kernel {@code .config}: the values of the options that are set ("is not set" lines count as unset). */
public final class KernelConfig {
    private static final Pattern SET = Pattern.compile("^(CONFIG_[A-Za-z0-9_]+)=(.*)$");

    private final Path file;
    private final Map<String, String> values;

    private KernelConfig(Path file, Map<String, String> values) {
        this.file = file;
        this.values = values;
    }

    public static KernelConfig read(Path file) {
        try {
            return parse(file, Files.readString(file));
        } catch (IOException e) {
            throw new KelpException(file + ": cannot read the kernel config: " + e.getMessage(), e);
        }
    }

    static KernelConfig parse(Path file, String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = SET.matcher(line.strip());
            if (m.matches()) {
                values.put(m.group(1), unquote(m.group(2)));
            }
        }
        return new KernelConfig(file, Collections.unmodifiableMap(values));
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            return v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return v;
    }

    public Path file() {
        return file;
    }

    /** The option's value ("y", "m", a number or an unquoted string), if it is set. */
    public Optional<String> get(String option) {
        return Optional.ofNullable(values.get(option));
    }

    public boolean isSet(String option) {
        String v = values.get(option);
        return v != null && !v.equals("n");
    }

    public Map<String, String> values() {
        return values;
    }

    /** Options whose value differs between the two configs, for messages ("CONFIG_X: y → unset"). */
    public static TreeSet<String> differences(KernelConfig a, KernelConfig b) {
        TreeSet<String> keys = new TreeSet<>(a.values.keySet());
        keys.addAll(b.values.keySet());
        TreeSet<String> out = new TreeSet<>();
        for (String k : keys) {
            String va = a.values.get(k);
            String vb = b.values.get(k);
            if (va == null ? vb != null : !va.equals(vb)) {
                out.add(k + ": " + (va == null ? "unset" : va) + " → " + (vb == null ? "unset" : vb));
            }
        }
        return out;
    }
}
