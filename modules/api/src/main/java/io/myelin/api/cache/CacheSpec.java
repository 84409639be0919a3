package io.myelin.api.cache;

import java.util.function.ToLongFunction;

/**
 * Describes a named cache.
 *
 * @param name      the cache's name, used in metrics ({@code myelin_cache_hits_total{cache="..."}})
 * @param keyType   the key class
 * @param valueType the value class
 * @param weigher   estimates an entry's cost in bytes from its key and value
 * @param <K>       the key type
 * @param <V>       the value type
 */
public record CacheSpec<K, V>(String name, Class<K> keyType, Class<V> valueType, Weigher<K, V> weigher) {

    /**
     * Estimates the cost of an entry in bytes.
     *
     * @param <K> the key type
     * @param <V> the value type
     */
    @FunctionalInterface
    public interface Weigher<K, V> {
        /**
         * @param key   the key
         * @param value the value
         * @return the estimated bytes
         */
        long weigh(K key, V value);
    }

    /**
     * A spec whose entries are weighed by their values only.
     *
     * @param name      the name
     * @param keyType   the key class
     * @param valueType the value class
     * @param weigher   estimates a value's cost in bytes
     * @param <K>       the key type
     * @param <V>       the value type
     * @return the spec
     */
    public static <K, V> CacheSpec<K, V> of(String name, Class<K> keyType, Class<V> valueType,
                                            ToLongFunction<V> weigher) {
        return new CacheSpec<>(name, keyType, valueType, (k, v) -> weigher.applyAsLong(v));
    }
}
