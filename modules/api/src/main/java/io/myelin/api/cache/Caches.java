package io.myelin.api.cache;

/**
 * The single cache tier (DESIGN.md §6): every named cache shares one byte budget,
 * {@code cache.max_size_estimated}, by each entry's estimated cost (the weigher of its {@link CacheSpec}), and
 * entries expire {@code cache.max_age} after they were written. When the budget is full, entries of any cache that
 * were used least recently make room. Memory is taken only as entries are cached.
 */
public interface Caches {

    /**
     * Returns the named cache, creating it on first use. Asking again with an equal name returns the same
     * cache, provided the key and value types match.
     *
     * @param spec what the cache holds
     * @param <K>  the key type
     * @param <V>  the value type
     * @return the cache
     * @throws IllegalArgumentException when a cache of that name holds other types
     */
    <K, V> Cache<K, V> cache(CacheSpec<K, V> spec);
}
