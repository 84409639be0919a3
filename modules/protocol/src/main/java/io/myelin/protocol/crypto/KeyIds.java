package io.myelin.protocol.crypto;

import io.myelin.protocol.ProtocolException;

/**
 * Signing key identifiers: an algorithm, a colon and a version, such as {@code ed25519:a_Xyz1}. The version
 * is limited to {@code [a-zA-Z0-9_]} as the server-server API's key publication requires.
 */
public final class KeyIds {

    /** The only signing algorithm Matrix defines. */
    public static final String ED25519 = "ed25519";

    private KeyIds() {
    }

    /**
     * @param version the key version
     * @return the Ed25519 key id of that version
     * @throws ProtocolException when the version is not a valid key version
     */
    public static String ed25519(String version) {
        return ED25519 + ":" + requireVersion(version);
    }

    /**
     * @param keyId a key id
     * @return whether it names an Ed25519 key, the only algorithm Myelin can verify
     */
    public static boolean isEd25519(String keyId) {
        return keyId.startsWith(ED25519 + ":");
    }

    /**
     * @param keyId a key id
     * @return the version part of an {@code ed25519:} key id
     * @throws ProtocolException when it is not a valid Ed25519 key id
     */
    public static String version(String keyId) {
        return requireEd25519(keyId).substring(ED25519.length() + 1);
    }

    static String requireEd25519(String keyId) {
        if (!isEd25519(keyId)) {
            throw new ProtocolException("not an ed25519 key id: " + keyId);
        }
        requireVersion(keyId.substring(ED25519.length() + 1));
        return keyId;
    }

    static String requireVersion(String version) {
        if (version.isEmpty() || version.length() > 100) {
            throw new ProtocolException("a key version has 1 to 100 characters");
        }
        for (int i = 0; i < version.length(); i++) {
            char c = version.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
                throw new ProtocolException("a key version may contain only a-z, A-Z, 0-9 and _");
            }
        }
        return version;
    }
}
