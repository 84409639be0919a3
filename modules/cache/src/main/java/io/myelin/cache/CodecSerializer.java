package io.myelin.cache;

import java.nio.ByteBuffer;

import io.myelin.api.cache.Codec;
import org.ehcache.spi.serialization.Serializer;

/**
 * Lets Ehcache's off-heap tier store a type through the {@link Codec} of its cache spec.
 *
 * @param <T> the encoded type
 */
final class CodecSerializer<T> implements Serializer<T> {

    private final Codec<T> codec;

    CodecSerializer(Codec<T> codec) {
        this.codec = codec;
    }

    @Override
    public ByteBuffer serialize(T value) {
        return ByteBuffer.wrap(codec.encode(value));
    }

    @Override
    public T read(ByteBuffer binary) {
        byte[] bytes = new byte[binary.remaining()];
        binary.get(bytes);
        return codec.decode(bytes);
    }

    @Override
    public boolean equals(T object, ByteBuffer binary) {
        return object.equals(read(binary));
    }
}
