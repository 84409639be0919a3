package io.myelin.protocol.crypto;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.json.UnpaddedBase64;

/**
 * A server's (or tool's) Ed25519 signing key: a version and a 32-byte seed, with the verify key derived
 * from it. The key file format is the one Synapse and Dendrite share, one key per line:
 * {@code ed25519 <version> <unpadded base64 seed>}.
 *
 * <p>{@link #toString()} never shows the seed.
 */
public final class SigningKey {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String VERSION_ALPHABET =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private final String version;
    private final byte[] seed;
    private final Ed25519PrivateKeyParameters privateKey;
    private final VerifyKey verifyKey;

    private SigningKey(String version, byte[] seed) {
        this.version = KeyIds.requireVersion(version);
        this.seed = seed.clone();
        Ed25519.KeyMaterial material = Ed25519.fromSeed(this.seed);
        this.privateKey = material.privateKey();
        this.verifyKey = VerifyKey.of(KeyIds.ED25519 + ":" + version, material.publicKey());
    }

    /**
     * Creates a key from a known seed.
     *
     * @param version the key version, {@code [a-zA-Z0-9_]+}
     * @param seed the 32-byte seed
     * @return the key
     * @throws ProtocolException when the version or seed is malformed
     */
    public static SigningKey fromSeed(String version, byte[] seed) {
        return new SigningKey(version, seed);
    }

    /**
     * Generates a new key with a random seed and a random six-character version, as a server does on first
     * start.
     *
     * @return the key
     */
    public static SigningKey generate() {
        StringBuilder version = new StringBuilder("a_");
        for (int i = 0; i < 4; i++) {
            version.append(VERSION_ALPHABET.charAt(RANDOM.nextInt(VERSION_ALPHABET.length())));
        }
        return generate(version.toString());
    }

    /**
     * Generates a new key with a random seed.
     *
     * @param version the key version
     * @return the key
     */
    public static SigningKey generate(String version) {
        byte[] seed = new byte[Ed25519.KEY_BYTES];
        RANDOM.nextBytes(seed);
        return new SigningKey(version, seed);
    }

    /**
     * Parses one key in key file format.
     *
     * @param line {@code ed25519 <version> <unpadded base64 seed>}
     * @return the key
     * @throws ProtocolException when the line is not a valid key (the message never contains the seed)
     */
    public static SigningKey parse(String line) {
        String[] parts = line.strip().split("[ \t]+");
        if (parts.length != 3) {
            throw new ProtocolException("a signing key line has three fields: ed25519 <version> <seed>");
        }
        if (!parts[0].equals(KeyIds.ED25519)) {
            throw new ProtocolException("unsupported signing key algorithm " + parts[0]);
        }
        byte[] seed;
        try {
            seed = UnpaddedBase64.decode(parts[2]);
        } catch (ProtocolException e) {
            throw new ProtocolException("the signing key seed is not valid Base64");
        }
        return new SigningKey(parts[1], seed);
    }

    /**
     * Parses a key file: one key per line; blank lines and lines starting with {@code #} are skipped.
     *
     * @param text the file content
     * @return the keys, in file order; the first is the one to sign with
     * @throws ProtocolException when a line is invalid or there is no key
     */
    public static List<SigningKey> parseFile(String text) {
        List<SigningKey> keys = new ArrayList<>();
        int lineNumber = 0;
        for (String line : text.split("\n")) {
            lineNumber++;
            if (line.isBlank() || line.strip().startsWith("#")) {
                continue;
            }
            try {
                keys.add(parse(line));
            } catch (ProtocolException e) {
                throw new ProtocolException("line " + lineNumber + ": " + e.getMessage());
            }
        }
        if (keys.isEmpty()) {
            throw new ProtocolException("the signing key file holds no key");
        }
        return List.copyOf(keys);
    }

    /**
     * @return this key in key file format, with a trailing newline; contains the secret seed
     */
    public String format() {
        return KeyIds.ED25519 + " " + version + " " + UnpaddedBase64.encode(seed) + "\n";
    }

    /** @return the key version */
    public String version() {
        return version;
    }

    /** @return the key id, {@code ed25519:<version>} */
    public String keyId() {
        return verifyKey.keyId();
    }

    /** @return the public half */
    public VerifyKey verifyKey() {
        return verifyKey;
    }

    /**
     * Signs bytes.
     *
     * @param message the bytes to sign
     * @return the 64-byte signature
     */
    public byte[] sign(byte[] message) {
        return Ed25519.sign(privateKey, message);
    }

    @Override
    public String toString() {
        return "SigningKey[" + keyId() + " " + verifyKey.base64() + "]";
    }
}
