package io.myelin.protocol.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

import io.myelin.protocol.ProtocolException;

/**
 * Ed25519 through the JDK's own provider ({@code SunEC}), chosen over BouncyCastle by measurement (see
 * docs/benchmarks-protocol.md) and because it keeps the protocol module free of dependencies. Keys are
 * handled as raw 32-byte seeds and public keys, the form Matrix writes them in.
 */
final class Ed25519 {

    /** DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519; the 32 raw key bytes follow it. */
    private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    static final int KEY_BYTES = 32;
    static final int SIGNATURE_BYTES = 64;

    private Ed25519() {
    }

    /** A private key and the raw public key derived from the same seed. */
    record KeyMaterial(PrivateKey privateKey, byte[] publicKey) {
    }

    static KeyMaterial fromSeed(byte[] seed) {
        if (seed.length != KEY_BYTES) {
            throw new ProtocolException("an Ed25519 seed has 32 bytes, not " + seed.length);
        }
        try {
            // The JDK derives the public key only while generating a pair, taking the seed from its random
            // source; handing it a source that yields exactly our seed derives the pair for that seed.
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, new SeedSource(seed));
            KeyPair pair = generator.generateKeyPair();
            PrivateKey privateKey = KeyFactory.getInstance("Ed25519")
                    .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
            return new KeyMaterial(privateKey, rawPublicKey(pair.getPublic()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the runtime lacks Ed25519, which Java 15 and later provide", e);
        }
    }

    static PublicKey publicKey(byte[] raw) {
        if (raw.length != KEY_BYTES) {
            throw new ProtocolException("an Ed25519 public key has 32 bytes, not " + raw.length);
        }
        byte[] encoded = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + KEY_BYTES);
        System.arraycopy(raw, 0, encoded, X509_PREFIX.length, KEY_BYTES);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
        } catch (GeneralSecurityException e) {
            throw new ProtocolException("invalid Ed25519 public key", e);
        }
    }

    static byte[] sign(PrivateKey key, byte[] message) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(key);
            signature.update(message);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    static boolean verify(PublicKey key, byte[] message, byte[] signatureBytes) {
        if (signatureBytes.length != SIGNATURE_BYTES) {
            return false;
        }
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initVerify(key);
            signature.update(message);
            return signature.verify(signatureBytes);
        } catch (InvalidKeyException | SignatureException e) {
            // A point that is not on the curve or a malformed signature: simply not a valid signature.
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 verification unavailable", e);
        }
    }

    private static byte[] rawPublicKey(PublicKey key) {
        byte[] encoded = key.getEncoded();
        return Arrays.copyOfRange(encoded, encoded.length - KEY_BYTES, encoded.length);
    }

    /** A random source that yields one fixed seed; used only to derive a key pair from that seed. */
    private static final class SeedSource extends SecureRandom {
        private final byte[] seed;

        SeedSource(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("unexpected request for " + bytes.length + " random bytes");
            }
            System.arraycopy(seed, 0, bytes, 0, bytes.length);
        }
    }
}
