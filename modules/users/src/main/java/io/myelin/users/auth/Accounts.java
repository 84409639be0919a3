package io.myelin.users.auth;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.helidon.dbclient.DbExecute;
import io.helidon.http.Status;
import io.myelin.api.bus.Bus;
import io.myelin.api.bus.Streams;
import io.myelin.api.http.ErrorCode;
import io.myelin.api.http.MatrixException;
import io.myelin.api.keys.DeviceListChange;
import io.myelin.api.storage.Database;
import io.myelin.protocol.id.UserId;
import io.myelin.users.crypto.PasswordHasher;
import io.myelin.users.crypto.Secrets;
import io.myelin.users.store.Account;
import io.myelin.users.store.AccountStore;
import io.myelin.users.store.DeviceStore;

/**
 * The account operations behind the endpoints: creating accounts, logging in, and the revocations that
 * logout, device deletion, password change and deactivation cause.
 */
public final class Accounts {

    private static final System.Logger LOG = System.getLogger(Accounts.class.getName());
    private static final int MAX_USER_ID_BYTES = 255;

    private final Database db;
    private final AccountStore accounts;
    private final DeviceStore devices;
    private final TokenService tokens;
    private final PasswordHasher hasher;
    private final Clock clock;
    private final String serverName;
    private final Bus bus;

    /**
     * @param db         the database
     * @param accounts   the account table
     * @param devices    the device and token tables
     * @param tokens     the token service
     * @param hasher     the password hasher
     * @param clock      the clock
     * @param serverName this server's name
     * @param bus        the bus changes of device lists are announced on
     */
    public Accounts(Database db, AccountStore accounts, DeviceStore devices, TokenService tokens,
                    PasswordHasher hasher, Clock clock, String serverName, Bus bus) {
        this.db = db;
        this.accounts = accounts;
        this.devices = devices;
        this.tokens = tokens;
        this.hasher = hasher;
        this.clock = clock;
        this.serverName = serverName;
        this.bus = bus;
    }

    /** @return this server's name */
    public String serverName() {
        return serverName;
    }

    /** @return the account table */
    public AccountStore store() {
        return accounts;
    }

    /** @return the device table */
    public DeviceStore devices() {
        return devices;
    }

    /**
     * A new session on a device: the device id, and the tokens issued for it.
     *
     * @param userId   the user
     * @param deviceId the device
     * @param issued   the tokens
     */
    public record Login(String userId, String deviceId, TokenService.Issued issued) {
    }

    /**
     * Checks a requested localpart against the grammar of user ids this server creates.
     *
     * @param username the requested localpart
     * @return the localpart
     * @throws MatrixException 400 {@code M_INVALID_USERNAME}
     */
    public String checkLocalpart(String username) {
        if (!UserId.isCompliantLocalpart(username)) {
            throw new MatrixException(Status.BAD_REQUEST_400, ErrorCode.M_INVALID_USERNAME,
                    "User names may contain only lowercase letters, digits and . _ = - / +");
        }
        if (("@" + username + ":" + serverName).getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                > MAX_USER_ID_BYTES) {
            throw new MatrixException(Status.BAD_REQUEST_400, ErrorCode.M_INVALID_USERNAME, "User name is too long.");
        }
        return username;
    }

    /**
     * @param localpart a valid localpart
     * @return the user id
     */
    public String userId(String localpart) {
        return "@" + localpart + ":" + serverName;
    }

    /**
     * Creates an account and, unless {@code inhibitLogin}, a device and tokens for it.
     *
     * @param localpart    the checked localpart
     * @param profileName  the initial display name, or null for the localpart
     * @param password     the password, or null for an account that cannot log in with one
     * @param admin        whether it is an administrator
     * @param deviceId     the device id the client asked for, or null
     * @param displayName  the new device's name, or null
     * @param inhibitLogin whether to create no device
     * @param withRefresh  whether to issue a refresh token
     * @param ip           the client's address
     * @return the new login, whose device and tokens are null when {@code inhibitLogin}
     * @throws MatrixException 400 {@code M_USER_IN_USE} when the name is taken
     */
    public Login register(String localpart, String profileName, String password, boolean admin, String deviceId,
                          String displayName, boolean inhibitLogin, boolean withRefresh, String ip) {
        String userId = userId(localpart);
        String hash = password == null ? null : hasher.hash(password);
        String device = deviceId == null ? Secrets.deviceId() : deviceId;
        long now = clock.millis();
        Login login;
        try {
            login = db.write(tx -> create(tx, userId, localpart, profileName, hash, admin, false, device,
                    displayName, inhibitLogin, withRefresh, now, ip));
        } catch (RuntimeException e) {
            // Two registrations of one name at once: on PostgreSQL the loser fails on the primary key.
            if (accounts.taken(localpart)) {
                throw userInUse();
            }
            throw e;
        }
        if (login == null) {
            throw userInUse();
        }
        LOG.log(System.Logger.Level.INFO, "users: registered user_id=" + userId + (admin ? " (admin)" : ""));
        return login;
    }

    /**
     * Creates a guest account, without a password, with one device and an access token that does not expire.
     *
     * @param localpart   a generated, checked localpart
     * @param displayName the device's name, or null
     * @param ip          the client's address
     * @return the new login
     * @throws MatrixException 400 {@code M_USER_IN_USE} when the generated name happens to be taken
     */
    public Login registerGuest(String localpart, String displayName, String ip) {
        String userId = userId(localpart);
        Login login = db.write(tx -> create(tx, userId, localpart, null, null, false, true, Secrets.deviceId(),
                displayName, false, false, clock.millis(), ip));
        if (login == null) {
            throw userInUse();
        }
        LOG.log(System.Logger.Level.INFO, "users: registered guest user_id=" + userId);
        return login;
    }

    private Login create(DbExecute tx, String userId, String localpart, String profileName, String hash,
                         boolean admin, boolean guest, String device, String displayName, boolean inhibitLogin,
                         boolean withRefresh, long now, String ip) {
        if (!accounts.create(tx, userId, localpart, hash, admin, guest,
                profileName == null ? localpart : profileName, now)) {
            return null;
        }
        if (inhibitLogin) {
            return new Login(userId, null, null);
        }
        devices.createOrTouch(tx, userId, device, displayName, now, ip);
        return new Login(userId, device, tokens.issue(tx, userId, device, withRefresh));
    }

    /**
     * @return the error for a taken user name
     */
    public static MatrixException userInUse() {
        return new MatrixException(Status.BAD_REQUEST_400, ErrorCode.M_USER_IN_USE, "User ID already taken.");
    }

    /**
     * Finds an active account by the identifier a client gave: a full user id of this server or a localpart.
     *
     * @param user the identifier's {@code user}
     * @return the account, if it exists
     */
    public Optional<Account> byIdentifier(String user) {
        String userId = user.startsWith("@") ? user : "@" + user + ":" + serverName;
        // Localparts are stored lowercase; clients often send the name as the person typed it.
        if (!UserId.isValid(userId)) {
            return Optional.empty();
        }
        UserId parsed = UserId.parse(userId);
        if (!parsed.serverName().toString().equals(serverName)) {
            return Optional.empty();
        }
        return accounts.find("@" + parsed.localpart().toLowerCase(Locale.ROOT) + ":" + serverName);
    }

    /**
     * Checks a password; takes as long for an unknown user as for a wrong password.
     *
     * @param account  the account, or empty when there is none
     * @param password the password given
     * @return whether it is the account's password
     */
    public boolean passwordMatches(Optional<Account> account, String password) {
        return hasher.verify(password, account.map(Account::passwordHash).orElse(null));
    }

    /**
     * Logs in on a device: creates it or keeps it when it exists, and issues tokens.
     *
     * @param userId      the user
     * @param deviceId    the device the client named, or null for a new one
     * @param displayName the name of a new device, or null
     * @param withRefresh whether to issue a refresh token
     * @param ip          the client's address
     * @return the login
     */
    public Login login(String userId, String deviceId, String displayName, boolean withRefresh, String ip) {
        String device = deviceId == null ? Secrets.deviceId() : deviceId;
        long now = clock.millis();
        Login login = db.write(tx -> {
            devices.createOrTouch(tx, userId, device, displayName, now, ip);
            return new Login(userId, device, tokens.issue(tx, userId, device, withRefresh));
        });
        LOG.log(System.Logger.Level.INFO, "users: login user_id=" + userId + " device_id=" + device);
        return login;
    }

    /**
     * Deletes devices with their tokens.
     *
     * @param userId    the owner
     * @param deviceIds the devices
     */
    public void deleteDevices(String userId, List<String> deviceIds) {
        if (deviceIds.isEmpty()) {
            return;
        }
        List<String> revoked = db.write(tx -> {
            List<String> hashes = new ArrayList<>();
            for (String deviceId : deviceIds) {
                hashes.addAll(devices.delete(tx, userId, deviceId));
            }
            return hashes;
        });
        tokens.revoked(revoked);
        for (String deviceId : deviceIds) {
            announce(new DeviceListChange(userId, deviceId, DeviceListChange.DEVICE_DELETED));
        }
        LOG.log(System.Logger.Level.INFO, "users: deleted " + deviceIds.size() + " device(s) of user_id=" + userId);
    }

    /**
     * Renames a device and announces the change.
     *
     * @param userId      the owner
     * @param deviceId    the device
     * @param displayName the new name
     * @return false when the user has no such device
     */
    public boolean renameDevice(String userId, String deviceId, String displayName) {
        if (!devices.rename(userId, deviceId, displayName)) {
            return false;
        }
        announce(new DeviceListChange(userId, deviceId, DeviceListChange.DEVICE_UPDATED));
        return true;
    }

    private void announce(DeviceListChange change) {
        bus.publish(Streams.OUTPUT_KEY_CHANGE_EVENT, change.userId(), change.toBytes());
    }

    /**
     * Deletes every device of a user except one.
     *
     * @param userId the owner
     * @param keep   the device to keep, or null to delete all
     */
    public void deleteAllDevices(String userId, String keep) {
        List<String> ids = devices.devices(userId).stream().map(d -> d.deviceId())
                .filter(id -> !id.equals(keep)).toList();
        deleteDevices(userId, ids);
    }

    /**
     * Sets a new password.
     *
     * @param userId   the account
     * @param password the new password
     */
    public void changePassword(String userId, String password) {
        String hash = hasher.hash(password);
        db.write(tx -> {
            accounts.setPassword(tx, userId, hash);
            return null;
        });
        LOG.log(System.Logger.Level.INFO, "users: password changed for user_id=" + userId);
    }

    /**
     * Deactivates an account: no password, no devices, no tokens, and the name is never given out again.
     *
     * @param userId the account
     */
    public void deactivate(String userId) {
        // First the account, so that no login can slip in between; then the devices, which evicts tokens.
        db.write(tx -> {
            accounts.deactivate(tx, userId);
            return null;
        });
        deleteAllDevices(userId, null);
        LOG.log(System.Logger.Level.INFO, "users: deactivated user_id=" + userId);
    }
}
