package io.myelin.keys.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.myelin.api.storage.Database;
import io.myelin.api.storage.Rows;

import jakarta.json.JsonObject;

/**
 * The tables {@code keys_cross_signing_keys} and {@code keys_signatures}.
 */
public final class CrossSigningStore {

    /** The usage of a master key. */
    public static final String MASTER = "master";
    /** The usage of a self-signing key. */
    public static final String SELF_SIGNING = "self_signing";
    /** The usage of a user-signing key. */
    public static final String USER_SIGNING = "user_signing";

    private static final String SELECT_KEYS = "SELECT key_usage, public_key, key_json FROM keys_cross_signing_keys"
            + " WHERE user_id = ?";
    private static final String SELECT_KEY = "SELECT key_usage, public_key, key_json FROM keys_cross_signing_keys"
            + " WHERE user_id = ? AND key_usage = ?";
    private static final String UPSERT_KEY = "INSERT INTO keys_cross_signing_keys (user_id, key_usage, public_key,"
            + " key_json) VALUES (?, ?, ?, ?) ON CONFLICT (user_id, key_usage)"
            + " DO UPDATE SET public_key = excluded.public_key, key_json = excluded.key_json";
    private static final String DELETE_KEY = "DELETE FROM keys_cross_signing_keys WHERE user_id = ? AND key_usage = ?";
    private static final String UPSERT_SIGNATURE = "INSERT INTO keys_signatures (target_user_id, target_key_id,"
            + " signer_user_id, signer_key_id, signature) VALUES (?, ?, ?, ?, ?) ON CONFLICT"
            + " (target_user_id, target_key_id, signer_user_id, signer_key_id)"
            + " DO UPDATE SET signature = excluded.signature";
    private static final String SELECT_SIGNATURES = "SELECT target_key_id, signer_user_id, signer_key_id, signature"
            + " FROM keys_signatures WHERE target_user_id = ?";
    private static final String DELETE_TARGET_SIGNATURES = "DELETE FROM keys_signatures"
            + " WHERE target_user_id = ? AND target_key_id = ?";
    private static final String DELETE_SIGNER_SIGNATURES = "DELETE FROM keys_signatures"
            + " WHERE signer_user_id = ? AND signer_key_id = ?";

    private final Database db;

    /**
     * @param db the database
     */
    public CrossSigningStore(Database db) {
        this.db = db;
    }

    /**
     * A cross-signing key as stored.
     *
     * @param usage     {@link #MASTER}, {@link #SELF_SIGNING} or {@link #USER_SIGNING}
     * @param publicKey the unpadded Base64 public key
     * @param json      the key object as uploaded, with the signatures uploaded with it
     */
    public record StoredKey(String usage, String publicKey, JsonObject json) {
    }

    /**
     * A signature uploaded later.
     *
     * @param targetKeyId the signed device id or cross-signing public key
     * @param signerUserId who signed
     * @param signerKeyId  the signing key's id, {@code ed25519:<key>}
     * @param signature    the signature
     */
    public record Signature(String targetKeyId, String signerUserId, String signerKeyId, String signature) {
    }

    /**
     * @param tx     the transaction, or null to read outside one
     * @param userId the owner
     * @return the user's cross-signing keys by usage
     */
    public Map<String, StoredKey> keys(DbExecute tx, String userId) {
        DbExecute exec = tx == null ? db.client().execute() : tx;
        Map<String, StoredKey> out = new TreeMap<>();
        try (Stream<DbRow> rows = exec.query(SELECT_KEYS, userId)) {
            rows.forEach(row -> out.put(Rows.text(row, "key_usage"), key(row)));
        }
        return out;
    }

    /**
     * @param tx     the transaction, or null to read outside one
     * @param userId the owner
     * @param usage  the usage
     * @return the user's key of that usage
     */
    public Optional<StoredKey> key(DbExecute tx, String userId, String usage) {
        DbExecute exec = tx == null ? db.client().execute() : tx;
        return exec.get(SELECT_KEY, userId, usage).map(CrossSigningStore::key);
    }

    /**
     * @param tx     the transaction
     * @param userId the owner
     * @param key    the key to store in place of the user's key of the same usage
     */
    public void put(DbExecute tx, String userId, StoredKey key) {
        tx.insert(UPSERT_KEY, userId, key.usage(), key.publicKey(), key.json().toString());
    }

    /**
     * Deletes a key, the signatures uploaded for it and the signatures it made: a replaced self-signing or
     * user-signing key no longer vouches for the devices and users it signed.
     *
     * @param tx     the transaction
     * @param userId the owner
     * @param key    the key
     */
    public void delete(DbExecute tx, String userId, StoredKey key) {
        tx.delete(DELETE_KEY, userId, key.usage());
        tx.delete(DELETE_TARGET_SIGNATURES, userId, key.publicKey());
        tx.delete(DELETE_SIGNER_SIGNATURES, userId, "ed25519:" + key.publicKey());
    }

    /**
     * @param tx           the transaction
     * @param targetUserId the owner of the signed key
     * @param signature    the signature
     */
    public void addSignature(DbExecute tx, String targetUserId, Signature signature) {
        tx.insert(UPSERT_SIGNATURE, targetUserId, signature.targetKeyId(), signature.signerUserId(),
                signature.signerKeyId(), signature.signature());
    }

    /**
     * @param targetUserIds owners of signed keys
     * @return the signatures uploaded for their devices and keys, by owner
     */
    public Map<String, List<Signature>> signatures(Collection<String> targetUserIds) {
        Map<String, List<Signature>> out = new TreeMap<>();
        for (String userId : targetUserIds) {
            List<Signature> list = new ArrayList<>();
            try (Stream<DbRow> rows = db.client().execute().query(SELECT_SIGNATURES, userId)) {
                rows.forEach(row -> list.add(new Signature(Rows.text(row, "target_key_id"),
                        Rows.text(row, "signer_user_id"), Rows.text(row, "signer_key_id"),
                        Rows.text(row, "signature"))));
            }
            out.put(userId, list);
        }
        return out;
    }

    /**
     * Deletes the signatures uploaded for one device or key.
     *
     * @param tx          the transaction
     * @param userId      the owner
     * @param targetKeyId the device id or public key
     */
    public void deleteSignaturesOf(DbExecute tx, String userId, String targetKeyId) {
        tx.delete(DELETE_TARGET_SIGNATURES, userId, targetKeyId);
    }

    /**
     * Deletes the signatures one key made, of any user's devices and keys.
     *
     * @param tx           the transaction
     * @param signerUserId the key's owner
     * @param signerKeyId  the key's id, {@code ed25519:<device id>} for a device's key
     */
    public void deleteSignaturesBy(DbExecute tx, String signerUserId, String signerKeyId) {
        tx.delete(DELETE_SIGNER_SIGNATURES, signerUserId, signerKeyId);
    }

    private static StoredKey key(DbRow row) {
        return new StoredKey(Rows.text(row, "key_usage"), Rows.text(row, "public_key"), Rows.json(row, "key_json"));
    }
}
