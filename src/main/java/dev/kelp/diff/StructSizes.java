package dev.kelp.diff;

import dev.kelp.arch.Arch;
import dev.kelp.arch.SpecialSection;
import dev.kelp.arch.registry.Machines;
import dev.kelp.util.KelpException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Record sizes of the special sections whose layout changes between kernel versions, as the user
 * gave them ({@code --struct-sizes bug=12,ex=12,...}) or as {@code kelp build} measured them on the
 * target's headers. The differ derives each size from the object itself ({@link RecordSizes}) and
 * uses these only to cross-check; with none given, a size the object does not show is the
 * architecture table's (Linux 6.1).
 */
public final class StructSizes {
    private final Map<String, Integer> sizes;
    private final String origin;

    private StructSizes(Map<String, Integer> sizes, String origin) {
        this.sizes = sizes;
        this.origin = origin;
    }

    /** No sizes given: the objects and the architecture table decide. */
    public static StructSizes none() {
        return new StructSizes(new LinkedHashMap<>(), "none");
    }

    /** Sizes given by a program (keys as in --struct-sizes). */
    public static StructSizes of(Map<String, Integer> values) {
        return of(values, "the given struct sizes");
    }

    private static StructSizes of(Map<String, Integer> values, String origin) {
        StructSizes s = new StructSizes(new LinkedHashMap<>(), origin);
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
        return of(byKey, "the sizes measured on the target kernel's headers");
    }

    /** Parses {@code key=N,key=N}; unknown keys and bad numbers are errors. */
    public static StructSizes parse(String spec) {
        StructSizes s = new StructSizes(new LinkedHashMap<>(), "--struct-sizes");
        if (spec == null || spec.isBlank()) {
            return s;
        }
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length != 2) {
                throw new KelpException("--struct-sizes: '" + part + "' is not KEY=SIZE (keys: " + knownKeys() + ")");
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

    /** The keys of every architecture kelp knows. */
    private static Set<String> knownKeys() {
        Set<String> keys = new TreeSet<>();
        Machines.all().forEach(m -> keys.addAll(m.arch().structSizeKeys()));
        return keys;
    }

    private void set(String key, int v) {
        if (!knownKeys().contains(key)) {
            throw new KelpException("--struct-sizes: unknown key '" + key + "' (keys: " + knownKeys() + ")");
        }
        if (v <= 0 || v > 4096) {
            throw new KelpException("--struct-sizes: size of '" + key + "' must be 1..4096, got " + v);
        }
        sizes.put(key, v);
    }

    /** The given sizes as a map (key → bytes); empty when none were given. */
    public Map<String, Integer> asMap() {
        return Collections.unmodifiableMap(sizes);
    }

    /** Where the sizes came from, for messages ("--struct-sizes"). */
    String origin() {
        return origin;
    }

    @Override
    public String toString() {
        return sizes.toString();
    }
}
