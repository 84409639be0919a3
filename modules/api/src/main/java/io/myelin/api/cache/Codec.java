package io.myelin.api.cache;

/**
 * Turns a cached key or value into bytes and back. The cache tier keeps its entries serialised outside the
 * Java heap, so a type that is not {@link java.io.Serializable} needs a codec in its {@link CacheSpec}.
 *
 * <p>{@code decode(encode(x))} must equal {@code x}; for keys, equal keys must encode to equal bytes.
 *
 * @param <T> the encoded type
 */
public interface Codec<T> {

    /**
     * @param value the value, never null
     * @return its bytes
     */
    byte[] encode(T value);

    /**
     * @param bytes bytes produced by {@link #encode}
     * @return the value they encode
     */
    T decode(byte[] bytes);
}
