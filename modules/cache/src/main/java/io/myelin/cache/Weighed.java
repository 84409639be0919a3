package io.myelin.cache;

import io.myelin.api.cache.CacheSpec;

/**
 * A cached value with what it costs against the budget, fixed when it was written: its cache's weigher estimate
 * for key and value plus {@link #OVERHEAD}. Ehcache's heap tier sizes the entry by this number (see
 * {@link WeigherSizeOfEngine}), and the same number leaves the per-cache byte gauges when the entry goes, so
 * the gauges add up to what the tier counts (see {@link EhcacheCaches} for the drift racing evictions cause).
 *
 * @param value the value as the caller gave it
 * @param size  the bytes the entry counts for, at least {@link #OVERHEAD}
 * @param <V>   the value type
 */
record Weighed<V>(V value, long size) {

    /**
     * What the tier's own objects cost per entry: the hash map node and its table slot, Ehcache's value holder
     * with its timestamps, the partition wrappers of key and value, and this record. Measured as about 174 bytes
     * per entry on JDK 25 with compressed references (heap growth over 300,000 entries whose keys and values
     * already existed). Counting it keeps a cache of tiny entries from holding far more memory than its weigher
     * admits.
     */
    static final long OVERHEAD = 176;

    /**
     * @param key     the key
     * @param value   the value
     * @param weigher the weigher of the entry's cache
     * @param <K>     the key type
     * @param <V>     the value type
     * @return the value with its cost
     */
    static <K, V> Weighed<V> of(K key, V value, CacheSpec.Weigher<? super K, ? super V> weigher) {
        return new Weighed<>(value, OVERHEAD + Math.max(0, weigher.weigh(key, value)));
    }
}
