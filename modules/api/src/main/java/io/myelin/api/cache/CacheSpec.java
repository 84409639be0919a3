package io.myelin.api.cache;

import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * Describes a named cache.
 *
 * <p>Entries are kept on the Java heap as the objects given to {@link Cache#put}, without a copy: every reader
 * gets that same object, so values must be immutable (records of strings, numbers and immutable collections, or
 * byte arrays nobody writes to after caching them). Keys need value-based {@code equals} and {@code hashCode}.
 *
 * <p>The weigher's estimate is what an entry costs against the shared budget, {@code cache.max_size_estimated}:
 * it should approximate the heap bytes the key and value retain (for a string, about its length plus 40; for a
 * byte array, its length plus 16). An entry whose estimate exceeds the whole budget is not kept.
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
     * Validates the spec.
     *
     * @param name      the name, not blank
     * @param keyType   the key class
     * @param valueType the value class
     * @param weigher   the weigher
     */
    public CacheSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keyType, "keyType");
        Objects.requireNonNull(valueType, "valueType");
        Objects.requireNonNull(weigher, "weigher");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a cache needs a name");
        }
    }

    /**
     * Estimates the cost of an entry in bytes.
     *
     * @param <K> the key type
     * @param <V> the value type
     */
    @FunctionalInterface
    public interface Weigher<K, V> {
        /**
         * Called once per write, on the writing thread; it should be cheap and must not touch the cache.
         *
         * @param key   the key
         * @param value the value
         * @return the estimated bytes of key and value; a negative estimate counts as zero
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
