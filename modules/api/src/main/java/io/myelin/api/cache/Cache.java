package io.myelin.api.cache;

import java.util.function.Function;

/**
 * One named cache of the shared tier.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface Cache<K, V> {

    /**
     * @param key the key
     * @return the cached value, or null
     */
    V get(K key);

    /**
     * Returns the cached value, loading and caching it when absent. A null from the loader is not cached.
     * The loader runs without a lock: callers that miss at the same time may each load, and all of them
     * then get the value stored first.
     *
     * @param key    the key
     * @param loader loads the value
     * @return the value, or null when the loader found none
     */
    V get(K key, Function<K, V> loader);

    /**
     * @param key   the key
     * @param value the value
     */
    void put(K key, V value);

    /**
     * @param key the key to forget
     */
    void remove(K key);

    /** Forgets every entry. */
    void clear();
}
