package io.myelin.protocol.crypto;

import java.util.Arrays;

import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

import io.myelin.protocol.json.UnpaddedBase64;

/**
 * An Ed25519 public key with its key id, decoded once so that verifying many signatures with it is cheap.
 */
public final class VerifyKey {

    private final String keyId;
    private final byte[] raw;
    private final Ed25519PublicKeyParameters publicKey;

    private VerifyKey(String keyId, byte[] raw) {
        this.keyId = KeyIds.requireEd25519(keyId);
        this.raw = raw.clone();
        this.publicKey = Ed25519.publicKey(this.raw);
    }

    /**
     * Creates a key from its raw bytes.
     *
     * @param keyId the key id, {@code ed25519:<version>}
     * @param publicKey the 32 raw public key bytes
     * @return the key
     * @throws io.myelin.protocol.ProtocolException when the key id or the key is malformed
     */
    public static VerifyKey of(String keyId, byte[] publicKey) {
        return new VerifyKey(keyId, publicKey);
    }

    /**
     * Creates a key from its unpadded Base64 form, as published under {@code verify_keys}.
     *
     * @param keyId the key id, {@code ed25519:<version>}
     * @param base64 the public key in unpadded Base64
     * @return the key
     * @throws io.myelin.protocol.ProtocolException when the key id or the key is malformed
     */
    public static VerifyKey fromBase64(String keyId, String base64) {
        return new VerifyKey(keyId, UnpaddedBase64.decode(base64));
    }

    /** @return the key id, {@code ed25519:<version>} */
    public String keyId() {
        return keyId;
    }

    /** @return a copy of the 32 raw public key bytes */
    public byte[] bytes() {
        return raw.clone();
    }

    /** @return the public key in unpadded Base64 */
    public String base64() {
        return UnpaddedBase64.encode(raw);
    }

    /**
     * Verifies a signature over a message.
     *
     * @param message the signed bytes
     * @param signature the 64-byte signature
     * @return whether the signature is valid for this key
     */
    public boolean verify(byte[] message, byte[] signature) {
        return Ed25519.verify(publicKey, message, signature);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerifyKey other && other.keyId.equals(keyId) && Arrays.equals(other.raw, raw);
    }

    @Override
    public int hashCode() {
        return keyId.hashCode() * 31 + Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return keyId + " " + base64();
    }
}
