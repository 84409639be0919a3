package io.myelin.api;

import java.nio.file.Path;

/**
 * Who this server is.
 *
 * @param serverName the Matrix server name, for example {@code example.org} or {@code localhost:8008}
 * @param dataDir    the directory that holds the server's files (database, keys, media)
 */
public record ServerIdentity(String serverName, Path dataDir) {
}
