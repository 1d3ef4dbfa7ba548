package dev.kelp.diff;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * An identity map keyed by sections or symbols of one object read from a file, stored as arrays
 * indexed by their ELF index (identity hashing is the main cost on objects with 10^5-10^6
 * elements). The key is kept next to its value and compared by identity, so a section or symbol
 * of another object with the same index is never mistaken for it; such keys, and keys without
 * a valid index (created after reading), go to an identity map.
 */
final class IndexedMap<K, V> {
    private final ToIntFunction<K> indexOf;
    private final Object[] keys;
    private final Object[] values;
    private Map<K, V> overflow;

    IndexedMap(int capacity, ToIntFunction<K> indexOf) {
        this.indexOf = indexOf;
        this.keys = new Object[Math.max(1, capacity)];
        this.values = new Object[keys.length];
    }

    @SuppressWarnings("unchecked")
    V get(K key) {
        int i = indexOf.applyAsInt(key);
        if (i >= 0 && i < keys.length && keys[i] == key) {
            return (V) values[i];
        }
        return overflow == null ? null : overflow.get(key);
    }

    void put(K key, V value) {
        int i = indexOf.applyAsInt(key);
        if (i >= 0 && i < keys.length && (keys[i] == null || keys[i] == key)) {
            keys[i] = key;
            values[i] = value;
            return;
        }
        if (overflow == null) {
            overflow = new IdentityHashMap<>();
        }
        overflow.put(key, value);
    }

    @SuppressWarnings("unchecked")
    V remove(K key) {
        int i = indexOf.applyAsInt(key);
        if (i >= 0 && i < keys.length && keys[i] == key) {
            V old = (V) values[i];
            keys[i] = null;
            values[i] = null;
            return old;
        }
        return overflow == null ? null : overflow.remove(key);
    }

    boolean containsKey(K key) {
        return get(key) != null;
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
