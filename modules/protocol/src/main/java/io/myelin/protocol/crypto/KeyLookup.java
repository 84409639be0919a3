package io.myelin.protocol.crypto;

import java.util.Optional;

/**
 * Where signature checks find verify keys. The federation component implements it over its key store and
 * fetches missing keys (from the server or a notary) before events are checked; a lookup that cannot
 * answer returns empty, and the signature check then fails.
 */
@FunctionalInterface
public interface KeyLookup {

    /**
     * Finds a server's key.
     *
     * @param serverName the server that signed
     * @param keyId the key id, {@code ed25519:<version>}
     * @return the key and its validity, or empty when unknown
     */
    Optional<ServerKey> find(String serverName, String keyId);
}
