package dev.kelp.diff;

import dev.kelp.arch.Arch;
import dev.kelp.arch.SpecialSection;
import dev.kelp.util.KelpException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Record sizes of the special sections whose layout changes between kernel versions, as given
 * by {@code --struct-sizes bug=12,ex=12,...}. The defaults are those of x86-64 Linux 6.1.
 */
public final class StructSizes {
    /** Keys and the x86-64 6.1 defaults. */
    public static final Map<String, Integer> DEFAULTS = Map.of(
            "bug", 12, "ex", 12, "alt", 13, "jump", 16, "orc", 6, "static_call", 8, "printk_index", 44, "para", 16);

    private final Map<String, Integer> sizes;

    private StructSizes(Map<String, Integer> sizes) {
        this.sizes = sizes;
    }

    public static StructSizes defaults() {
        return new StructSizes(new LinkedHashMap<>(DEFAULTS));
    }

    public static StructSizes of(Map<String, Integer> values) {
        StructSizes s = defaults();
        for (Map.Entry<String, Integer> e : values.entrySet()) {
            s.set(e.getKey(), e.getValue());
        }
        return s;
    }

    /**
     * Record sizes measured per section name (on the target kernel's headers) as struct-size
     * keys: the architecture's table says which section a key sizes.
     */
    public static StructSizes ofSections(Arch arch, Map<String, Integer> bySection) {
        Map<String, Integer> byKey = new LinkedHashMap<>();
        for (SpecialSection s : arch.specialSections()) {
            Integer size = bySection.get(s.name());
            if (s.structSizeKey() != null && size != null) {
                byKey.put(s.structSizeKey(), size);
            }
        }
        return of(byKey);
    }

    /** Parses {@code key=N,key=N}; unknown keys and bad numbers are errors. */
    public static StructSizes parse(String spec) {
        StructSizes s = defaults();
        if (spec == null || spec.isBlank()) {
            return s;
        }
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length != 2) {
                throw new KelpException("--struct-sizes: '" + part + "' is not KEY=SIZE (keys: " + DEFAULTS.keySet() + ")");
            }
            int v;
            try {
                v = Integer.parseInt(kv[1].trim());
            } catch (NumberFormatException e) {
                throw new KelpException("--struct-sizes: size of '" + kv[0] + "' is not a number: " + kv[1]);
            }
            s.set(kv[0].trim(), v);
        }
        return s;
    }

    private void set(String key, int v) {
        if (!DEFAULTS.containsKey(key)) {
            throw new KelpException("--struct-sizes: unknown key '" + key + "' (keys: " + DEFAULTS.keySet() + ")");
        }
        if (v <= 0 || v > 4096) {
            throw new KelpException("--struct-sizes: size of '" + key + "' must be 1..4096, got " + v);
        }
        sizes.put(key, v);
    }

    /** The sizes as a map (key → bytes). */
    public java.util.Map<String, Integer> asMap() {
        return java.util.Collections.unmodifiableMap(sizes);
    }

    public int get(String key) {
        return sizes.get(key);
    }

    @Override
    public String toString() {
        return sizes.toString();
    }
}
