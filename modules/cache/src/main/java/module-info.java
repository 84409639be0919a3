/**
 * The Ehcache 3 cache tier behind the {@code api} cache SPI.
 */
module io.myelin.cache {
    requires io.myelin.api;
    requires ehcache;
    // Ehcache reaches sun.misc.Unsafe and logs through SLF4J; as an automatic module it cannot say so itself.
    requires jdk.unsupported;
    requires org.slf4j;

    provides io.myelin.api.Component with io.myelin.cache.CacheComponent;
}
