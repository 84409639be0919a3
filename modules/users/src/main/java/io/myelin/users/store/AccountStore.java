package io.myelin.users.store;

import java.util.Optional;

import io.helidon.dbclient.DbExecute;
import io.myelin.api.storage.Database;
import io.myelin.api.storage.Rows;

/**
 * The tables {@code users_accounts} and {@code users_profiles}: one row each per local account.
 */
public final class AccountStore {

    private static final String INSERT_ACCOUNT = "INSERT INTO users_accounts (user_id, localpart, password_hash,"
            + " is_admin, is_guest, deactivated, created_ts) VALUES (?, ?, ?, ?, ?, 0, ?)";
    private static final String INSERT_PROFILE = "INSERT INTO users_profiles (user_id, displayname, avatar_url)"
            + " VALUES (?, ?, NULL)";
    private static final String SELECT_ACCOUNT = "SELECT user_id, password_hash, is_admin, is_guest, deactivated"
            + " FROM users_accounts WHERE user_id = ?";
    private static final String SELECT_TAKEN = "SELECT 1 AS taken FROM users_accounts WHERE localpart = ?";
    private static final String UPDATE_PASSWORD = "UPDATE users_accounts SET password_hash = ? WHERE user_id = ?";
    private static final String DEACTIVATE = "UPDATE users_accounts SET deactivated = 1, password_hash = NULL"
            + " WHERE user_id = ?";
    private static final String SELECT_PROFILE = "SELECT displayname, avatar_url FROM users_profiles"
            + " WHERE user_id = ?";
    private static final String UPDATE_DISPLAYNAME = "UPDATE users_profiles SET displayname = ? WHERE user_id = ?";
    private static final String UPDATE_AVATAR = "UPDATE users_profiles SET avatar_url = ? WHERE user_id = ?";

    private final Database db;

    /**
     * @param db the database
     */
    public AccountStore(Database db) {
        this.db = db;
    }

    /**
     * Creates an account and its profile.
     *
     * @param tx           the transaction
     * @param userId       the full user id
     * @param localpart    its localpart, unique
     * @param passwordHash the password hash, or null
     * @param admin        whether it is an administrator
     * @param guest        whether it is a guest
     * @param displayname  the initial display name, or null
     * @param now          milliseconds since the epoch
     * @return false when the localpart is taken
     */
    public boolean create(DbExecute tx, String userId, String localpart, String passwordHash, boolean admin,
                          boolean guest, String displayname, long now) {
        if (tx.get(SELECT_TAKEN, localpart).isPresent()) {
            return false;
        }
        tx.insert(INSERT_ACCOUNT, userId, localpart, passwordHash, admin ? 1 : 0, guest ? 1 : 0, now);
        tx.insert(INSERT_PROFILE, userId, displayname);
        return true;
    }

    /**
     * @param localpart a localpart
     * @return whether an account (active or deactivated) has it; deactivated names are never reused
     */
    public boolean taken(String localpart) {
        return db.client().execute().get(SELECT_TAKEN, localpart).isPresent();
    }

    /**
     * @param userId the full user id
     * @return the account, if there is one
     */
    public Optional<Account> find(String userId) {
        return db.client().execute().get(SELECT_ACCOUNT, userId).map(row -> new Account(
                Rows.text(row, "user_id"), Rows.text(row, "password_hash"), Rows.flag(row, "is_admin"),
                Rows.flag(row, "is_guest"), Rows.flag(row, "deactivated")));
    }

    /**
     * @param tx           the transaction
     * @param userId       the account
     * @param passwordHash the new hash
     */
    public void setPassword(DbExecute tx, String userId, String passwordHash) {
        tx.update(UPDATE_PASSWORD, passwordHash, userId);
    }

    /**
     * Marks the account deactivated and forgets its password, so that nobody can log in to it again.
     *
     * @param tx     the transaction
     * @param userId the account
     */
    public void deactivate(DbExecute tx, String userId) {
        tx.update(DEACTIVATE, userId);
    }

    /**
     * @param userId the account
     * @return its profile, if the account exists
     */
    public Optional<Profile> profile(String userId) {
        return db.client().execute().get(SELECT_PROFILE, userId)
                .map(row -> new Profile(Rows.text(row, "displayname"), Rows.text(row, "avatar_url")));
    }

    /**
     * @param userId      the account
     * @param displayname the new display name, or null to remove it
     */
    public void setDisplayname(String userId, String displayname) {
        db.write(tx -> tx.update(UPDATE_DISPLAYNAME, displayname, userId));
    }

    /**
     * @param userId    the account
     * @param avatarUrl the new avatar URL, or null to remove it
     */
    public void setAvatarUrl(String userId, String avatarUrl) {
        db.write(tx -> tx.update(UPDATE_AVATAR, avatarUrl, userId));
    }

    /**
     * A user's profile.
     *
     * @param displayname the display name, or null
     * @param avatarUrl   the avatar's {@code mxc://} URL, or null
     */
    public record Profile(String displayname, String avatarUrl) {
    }
}
