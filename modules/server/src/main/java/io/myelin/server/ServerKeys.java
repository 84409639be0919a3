package io.myelin.server;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.crypto.SigningKey;

/**
 * The server's signing key file, {@code <data_dir>/signing.key}: generated on first start, loaded on
 * every later one. The file holds one key per line in the format other homeservers share
 * ({@code ed25519 <version> <seed>}); the first line signs, further lines are old keys kept for
 * verification.
 */
final class ServerKeys {

    /** Key files are readable by their owner only, from the moment they exist. */
    private static final java.nio.file.attribute.FileAttribute<?> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    static final String FILE = "signing.key";
    private static final System.Logger LOG = System.getLogger(ServerKeys.class.getName());

    private ServerKeys() {
    }

    /**
     * Loads the key file, creating it with a new key when it does not exist.
     *
     * @param dataDir the data directory
     * @return the keys, the signing key first
     * @throws IOException when the file cannot be read or written
     * @throws IllegalStateException when the file is not a key file (its path is named; its content never)
     */
    static List<SigningKey> loadOrGenerate(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            SigningKey key = SigningKey.generate();
            try {
                // Created readable by the owner only, before any secret is written into it.
                Files.createFile(file, OWNER_ONLY);
                Files.writeString(file, key.format(), StandardOpenOption.TRUNCATE_EXISTING);
                LOG.log(System.Logger.Level.INFO, "Generated signing key " + key.keyId() + " in " + file);
                return List.of(key);
            } catch (FileAlreadyExistsException e) {
                // Another process created it first; use theirs.
            }
        }
        try {
            return SigningKey.parseFile(Files.readString(file));
        } catch (ProtocolException e) {
            throw new IllegalStateException(file + " is not a signing key file: " + e.getMessage(), e);
        }
    }
}
