package io.myelin.api;

import java.nio.file.Path;
import java.util.List;

import io.myelin.protocol.crypto.SigningKey;

/**
 * Who this server is.
 *
 * @param serverName the Matrix server name, for example {@code example.org} or {@code localhost:8008}
 * @param dataDir    the directory that holds the server's files (database, keys, media)
 * @param signingKey the key this server signs events and requests with
 * @param oldKeys    keys it signed with before, kept so that what they signed can still be verified
 */
public record ServerIdentity(String serverName, Path dataDir, SigningKey signingKey, List<SigningKey> oldKeys) {

    /**
     * Copies the old keys.
     */
    public ServerIdentity {
        oldKeys = List.copyOf(oldKeys);
    }

    /**
     * An identity with a fresh signing key that is saved nowhere, for tools and tests that never sign
     * anything another server must verify later.
     *
     * @param serverName the server name
     * @param dataDir    the data directory
     */
    public ServerIdentity(String serverName, Path dataDir) {
        this(serverName, dataDir, SigningKey.generate(), List.of());
    }
}
