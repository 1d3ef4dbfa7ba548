package dev.kelp.diff;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * A map keyed by sections or symbols of one object read from a file, stored as an array indexed
 * by their ELF index (identity hashing is the main cost on objects with 10^5-10^6 elements).
 * Keys without a valid index (created after reading) fall back to an identity map.
 */
final class IndexedMap<K, V> {
    private final ToIntFunction<K> indexOf;
    private final Object[] values;
    private Map<K, V> overflow;

    IndexedMap(int capacity, ToIntFunction<K> indexOf) {
        this.indexOf = indexOf;
        this.values = new Object[Math.max(1, capacity)];
    }

    @SuppressWarnings("unchecked")
    V get(K key) {
        int i = indexOf.applyAsInt(key);
        if (i >= 0 && i < values.length) {
            return (V) values[i];
        }
        return overflow == null ? null : overflow.get(key);
    }

    void put(K key, V value) {
        int i = indexOf.applyAsInt(key);
        if (i >= 0 && i < values.length) {
            values[i] = value;
            return;
        }
        if (overflow == null) {
            overflow = new IdentityHashMap<>();
        }
        overflow.put(key, value);
    }

    V getOrDefault(K key, V fallback) {
        V v = get(key);
        return v == null ? fallback : v;
    }

    void putIfAbsent(K key, V value) {
        if (get(key) == null) {
            put(key, value);
        }
    }
}
