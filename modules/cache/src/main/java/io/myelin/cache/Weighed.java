package io.myelin.cache;

/**
 * A cached value with what it costs against the budget, fixed when it was written: its cache's weigher estimate
 * for key and value plus {@link #OVERHEAD}. Ehcache's heap tier sizes the entry by this number (see
 * {@link WeigherSizeOfEngine}), and the same number leaves the per-cache byte gauges when the entry goes, so
 * the gauges add up exactly to what the tier counts.
 *
 * @param value the value as the caller gave it
 * @param size  the bytes the entry counts for, at least {@link #OVERHEAD}
 * @param <V>   the value type
 */
record Weighed<V>(V value, long size) {

    /**
     * What the tier's own objects cost per entry on a 64-bit JVM with compressed references, rounded up: the
     * hash map node (32 bytes), Ehcache's value holder with its timestamps (48), the partition wrappers of key
     * and value (2 x 24) and this record (24). Counting it keeps a cache of tiny entries from holding far
     * more memory than its weigher admits.
     */
    static final long OVERHEAD = 160;

    /**
     * @param key     the key
     * @param value   the value
     * @param weigher the weigher of the entry's cache
     * @param <K>     the key type
     * @param <V>     the value type
     * @return the value with its cost
     */
    static <K, V> Weighed<V> of(K key, V value, io.myelin.api.cache.CacheSpec.Weigher<? super K, ? super V> weigher) {
        return new Weighed<>(value, OVERHEAD + Math.max(0, weigher.weigh(key, value)));
    }
}
