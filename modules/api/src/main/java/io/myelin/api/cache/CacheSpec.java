package io.myelin.api.cache;

import java.io.Serializable;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * Describes a named cache.
 *
 * <p>Entries are kept serialised (DESIGN.md §6), so keys and values must be {@link Serializable} (strings,
 * boxed numbers, byte arrays and records that implement {@code Serializable} all are) or come with a
 * {@link Codec}; {@link Caches#cache} refuses a spec that breaks this. Keys need value-based {@code equals} and {@code hashCode}. Values should be immutable:
 * the most used entries are also kept as objects and handed out as they are, without a copy.
 *
 * @param name       the cache's name, used in metrics ({@code myelin_cache_hits_total{cache="..."}})
 * @param keyType    the key class
 * @param valueType  the value class
 * @param weigher    estimates an entry's cost in bytes from its key and value; the sum over a cache's
 *                   entries is its {@code myelin.cache.estimated.bytes} gauge
 * @param keyCodec   encodes keys, or null to use Java serialization
 * @param valueCodec encodes values, or null to use Java serialization
 * @param <K>        the key type
 * @param <V>        the value type
 */
public record CacheSpec<K, V>(String name, Class<K> keyType, Class<V> valueType, Weigher<K, V> weigher,
                              Codec<K> keyCodec, Codec<V> valueCodec) {

    /**
     * Validates the spec. Whether a codec is needed is checked when the cache is created.
     *
     * @param name       the name, not blank
     * @param keyType    the key class
     * @param valueType  the value class
     * @param weigher    the weigher
     * @param keyCodec   the key codec, or null
     * @param valueCodec the value codec, or null
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
     * A spec whose keys and values use Java serialization.
     *
     * @param name      the name
     * @param keyType   the key class, {@link Serializable}
     * @param valueType the value class, {@link Serializable}
     * @param weigher   estimates an entry's cost in bytes
     */
    public CacheSpec(String name, Class<K> keyType, Class<V> valueType, Weigher<K, V> weigher) {
        this(name, keyType, valueType, weigher, null, null);
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

    /**
     * @param codec encodes keys
     * @return a copy of this spec with the key codec
     */
    public CacheSpec<K, V> withKeyCodec(Codec<K> codec) {
        return new CacheSpec<>(name, keyType, valueType, weigher, codec, valueCodec);
    }

    /**
     * @param codec encodes values
     * @return a copy of this spec with the value codec
     */
    public CacheSpec<K, V> withValueCodec(Codec<V> codec) {
        return new CacheSpec<>(name, keyType, valueType, weigher, keyCodec, codec);
    }

    /**
     * Checks that keys and values can be stored: each type is {@link Serializable} or has a codec.
     *
     * @throws IllegalArgumentException naming the type that cannot be stored
     */
    public void requireStorable() {
        requireStorable("key", keyType, keyCodec);
        requireStorable("value", valueType, valueCodec);
    }

    private void requireStorable(String what, Class<?> type, Codec<?> codec) {
        if (codec == null && !Serializable.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException("cache " + name + ": " + what + " type " + type.getName()
                    + " is not Serializable; give the spec a codec for it");
        }
    }
}
