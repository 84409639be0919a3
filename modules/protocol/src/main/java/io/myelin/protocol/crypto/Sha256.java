package io.myelin.protocol.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256, which every Java runtime must provide. */
public final class Sha256 {

    // Cloning a digest skips the provider lookup that getInstance makes on every call.
    private static final MessageDigest PROTOTYPE = prototype();

    private Sha256() {
    }

    /**
     * @param data the bytes to hash
     * @return the 32-byte digest
     */
    public static byte[] digest(byte[] data) {
        try {
            return ((MessageDigest) PROTOTYPE.clone()).digest(data);
        } catch (CloneNotSupportedException e) {
            return prototype().digest(data);
        }
    }

    private static MessageDigest prototype() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the runtime lacks SHA-256, which the platform requires", e);
        }
    }
}
