/**
 * The Ehcache 3 cache tier behind the {@code api} cache SPI.
 */
module io.myelin.cache {
    requires io.myelin.api;

    provides io.myelin.api.Component with io.myelin.cache.CacheComponent;
}
