package io.myelin.protocol.crypto;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

import io.myelin.protocol.ProtocolException;

/**
 * Ed25519 through BouncyCastle's lightweight API. The JDK's own provider was measured first and verified
 * about an eighth as many signatures per second on the same machine, far below the target of half of
 * libsodium's rate (docs/benchmarks-protocol.md). The artifact is {@code bcprov-lts8on}, the one jnats
 * already brings, so the server carries one copy of BouncyCastle and no split packages.
 *
 * <p>Keys are handled as raw 32-byte seeds and public keys, the form Matrix writes them in. A decoded
 * public key keeps its curve point, so verifying many signatures with it skips point decompression.
 */
final class Ed25519 {

    static final int KEY_BYTES = 32;
    static final int SIGNATURE_BYTES = 64;

    private Ed25519() {
    }

    /** A private key and the raw public key derived from the same seed. */
    record KeyMaterial(Ed25519PrivateKeyParameters privateKey, byte[] publicKey) {
    }

    static KeyMaterial fromSeed(byte[] seed) {
        if (seed.length != KEY_BYTES) {
            throw new ProtocolException("an Ed25519 seed has 32 bytes, not " + seed.length);
        }
        Ed25519PrivateKeyParameters privateKey = new Ed25519PrivateKeyParameters(seed, 0);
        return new KeyMaterial(privateKey, privateKey.generatePublicKey().getEncoded());
    }

    static Ed25519PublicKeyParameters publicKey(byte[] raw) {
        if (raw.length != KEY_BYTES) {
            throw new ProtocolException("an Ed25519 public key has 32 bytes, not " + raw.length);
        }
        try {
            return new Ed25519PublicKeyParameters(raw, 0);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("invalid Ed25519 public key", e);
        }
    }

    static byte[] sign(Ed25519PrivateKeyParameters key, byte[] message) {
        byte[] signature = new byte[SIGNATURE_BYTES];
        key.sign(org.bouncycastle.math.ec.rfc8032.Ed25519.Algorithm.Ed25519, null, message, 0, message.length,
                signature, 0);
        return signature;
    }

    static boolean verify(Ed25519PublicKeyParameters key, byte[] message, byte[] signature) {
        if (signature.length != SIGNATURE_BYTES) {
            return false;
        }
        return key.verify(org.bouncycastle.math.ec.rfc8032.Ed25519.Algorithm.Ed25519, null, message, 0,
                message.length, signature, 0);
    }
}
