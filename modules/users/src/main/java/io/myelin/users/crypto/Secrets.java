package io.myelin.users.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Random secrets and their digests. Access and refresh tokens are 256 random bits; only their SHA-256
 * digest is stored, so that a copy of the database cannot be used to act as a user.
 */
public final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();
    private static final String DEVICE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private Secrets() {
    }

    /**
     * A new token: a prefix that tells token kinds apart in bug reports, then 256 random bits.
     *
     * @param prefix for example {@code myat_} for access tokens
     * @return the token
     */
    public static String token(String prefix) {
        return prefix + URL_SAFE.encodeToString(bytes(32));
    }

    /**
     * A new device id: ten capital letters, as clients are used to seeing.
     *
     * @return the device id
     */
    public static String deviceId() {
        StringBuilder id = new StringBuilder(10);
        for (int i = 0; i < 10; i++) {
            id.append(DEVICE_ALPHABET.charAt(RANDOM.nextInt(DEVICE_ALPHABET.length())));
        }
        return id.toString();
    }

    /**
     * A random opaque string, for session ids and nonces.
     *
     * @param bytes how many random bytes
     * @return URL-safe base64 of them
     */
    public static String opaque(int bytes) {
        return URL_SAFE.encodeToString(bytes(bytes));
    }

    /**
     * @param n how many
     * @return n random bytes
     */
    public static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /**
     * The stored form of a token.
     *
     * @param token the token
     * @return lowercase hex SHA-256 of its UTF-8 bytes
     */
    public static String digest(String token) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /**
     * Compares two secrets in time that does not depend on where they differ.
     *
     * @param a one
     * @param b the other
     * @return whether they are equal
     */
    public static boolean equal(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
