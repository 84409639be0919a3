package io.myelin.users.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import io.helidon.dbclient.DbExecute;
import io.myelin.api.cache.Cache;
import io.myelin.api.cache.CacheSpec;
import io.myelin.api.cache.Caches;
import io.myelin.api.storage.Database;
import io.myelin.api.users.AccessTokens;
import io.myelin.api.users.Requester;
import io.myelin.api.users.TokenCheck;
import io.myelin.users.crypto.Secrets;
import io.myelin.users.store.DeviceStore;
import io.myelin.users.store.TokenRow;

/**
 * Issues, checks and revokes access and refresh tokens.
 *
 * <p>Checks go through the shared cache tier, keyed by the token's digest. A revocation deletes the rows
 * and then evicts the digests; a counter of revocations lets a check that read the database before a
 * revocation committed notice it and drop what it cached. The cache is per process: a deployment that runs
 * the users component in several processes would need the eviction broadcast, which this does not do.
 */
public final class TokenService implements AccessTokens {

    private static final String ACCESS_PREFIX = "myat_";
    private static final String REFRESH_PREFIX = "myrt_";
    // Strings cost about their length plus 40 bytes on the heap; the record and its long about 32 more.
    private static final CacheSpec<String, TokenRow> CACHE = new CacheSpec<>("users_access_tokens", String.class,
            TokenRow.class, (hash, row) -> hash.length() + row.userId().length() + row.deviceId().length() + 152L);

    private final Database db;
    private final DeviceStore devices;
    private final Cache<String, TokenRow> cache;
    private final Clock clock;
    private final Duration lifetime;
    private final AtomicLong revocations = new AtomicLong();

    /**
     * @param db       the database
     * @param devices  the device and token tables
     * @param caches   the cache tier
     * @param clock    the clock expiry is measured with
     * @param lifetime how long an access token issued with a refresh token stays valid
     */
    public TokenService(Database db, DeviceStore devices, Caches caches, Clock clock, Duration lifetime) {
        this.db = db;
        this.devices = devices;
        this.cache = caches.cache(CACHE);
        this.clock = clock;
        this.lifetime = lifetime;
    }

    /**
     * Tokens just issued, to hand to the client once.
     *
     * @param accessToken  the access token
     * @param refreshToken the refresh token, or null when none was asked for
     * @param expiresInMs  the access token's lifetime in milliseconds, or null when it does not expire
     */
    public record Issued(String accessToken, String refreshToken, Long expiresInMs) {
        @Override
        public String toString() {
            return "Issued[expiresInMs=" + expiresInMs + "]";
        }
    }

    /**
     * Issues a new access token, and a refresh token when the client supports them; only clients that
     * can refresh get access tokens that expire.
     *
     * @param tx          the transaction that also creates or touches the device
     * @param userId      the owner
     * @param deviceId    the device
     * @param withRefresh whether the client asked for a refresh token
     * @return the tokens
     */
    public Issued issue(DbExecute tx, String userId, String deviceId, boolean withRefresh) {
        long now = clock.millis();
        String access = Secrets.token(ACCESS_PREFIX);
        String accessHash = Secrets.digest(access);
        if (!withRefresh) {
            devices.addAccessToken(tx, accessHash, userId, deviceId, now, null);
            return new Issued(access, null, null);
        }
        devices.addAccessToken(tx, accessHash, userId, deviceId, now, now + lifetime.toMillis());
        String refresh = Secrets.token(REFRESH_PREFIX);
        devices.addRefreshToken(tx, Secrets.digest(refresh), userId, deviceId, accessHash, now);
        return new Issued(access, refresh, lifetime.toMillis());
    }

    /**
     * Exchanges a refresh token for new tokens. The refresh token and the access token issued with it
     * stop working.
     *
     * @param refreshToken the refresh token
     * @return the new tokens, or empty when the refresh token is unknown or used already
     */
    public Optional<Issued> refresh(String refreshToken) {
        String hash = Secrets.digest(refreshToken);
        Optional<Exchange> exchange = db.write(tx -> devices.takeRefreshToken(tx, hash).map(row -> {
            devices.deleteAccessToken(tx, row.accessTokenHash());
            return new Exchange(issue(tx, row.userId(), row.deviceId(), true), row.accessTokenHash());
        }));
        exchange.ifPresent(e -> revoked(List.of(e.revokedHash())));
        return exchange.map(Exchange::issued);
    }

    private record Exchange(Issued issued, String revokedHash) {
    }

    @Override
    public TokenCheck check(String accessToken) {
        String hash = Secrets.digest(accessToken);
        TokenRow row = cache.get(hash);
        if (row == null) {
            row = load(hash);
            if (row == null) {
                return TokenCheck.unknown();
            }
        }
        if (row.expiresTs() != 0 && row.expiresTs() <= clock.millis()) {
            return TokenCheck.expired();
        }
        return TokenCheck.valid(new Requester(row.userId(), row.deviceId(), row.guest()));
    }

    /**
     * Forgets revoked tokens. Call after the transaction that deleted them committed.
     *
     * @param tokenHashes the digests of the revoked access tokens
     */
    public void revoked(List<String> tokenHashes) {
        revocations.incrementAndGet();
        tokenHashes.forEach(cache::remove);
    }

    private TokenRow load(String hash) {
        long seen = revocations.get();
        TokenRow row = devices.accessToken(hash).orElse(null);
        if (row == null) {
            return null;
        }
        cache.put(hash, row);
        if (revocations.get() != seen) {
            // A revocation ran while this read; it may have removed this very token after the read.
            cache.remove(hash);
            return devices.accessToken(hash).orElse(null);
        }
        return row;
    }
}
