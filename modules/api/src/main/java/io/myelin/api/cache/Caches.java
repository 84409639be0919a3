package io.myelin.api.cache;

/**
 * The single cache tier (DESIGN.md §6): every named cache shares one byte budget,
 * {@code cache.max_size_estimated}, by estimated cost, and entries expire after {@code cache.max_age}.
 */
public interface Caches {

    /**
     * Returns the named cache, creating it on first use.
     *
     * @param spec what the cache holds
     * @param <K>  the key type
     * @param <V>  the value type
     * @return the cache
     */
    <K, V> Cache<K, V> cache(CacheSpec<K, V> spec);
}
