package io.myelin.users.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.helidon.http.Status;
import io.myelin.api.http.ErrorCode;
import io.myelin.api.http.MatrixException;
import io.myelin.users.crypto.Secrets;

/**
 * Single-use, short-lived tokens that log a new client in as the user who asked for them
 * ({@code POST /login/get_token}, then {@code /login} with {@code m.login.token}).
 *
 * <p>Only the token's digest is kept, with its user and expiry, so a memory dump does not reveal usable tokens.
 * They live in memory: a restart forgets them, which for tokens that last minutes costs the user one retry, and a
 * deployment running the users component in several processes would have to send the login to the process that
 * issued the token.
 */
public final class LoginTokens {

    private static final String PREFIX = "mylt_";
    private static final int MAX_OPEN = 100_000;

    private record Entry(String userId, long expiresMs) {
    }

    private final Map<String, Entry> byDigest = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration lifetime;

    /**
     * @param clock    the clock expiry is measured with
     * @param lifetime how long a token stays usable
     */
    public LoginTokens(Clock clock, Duration lifetime) {
        this.clock = clock;
        this.lifetime = lifetime;
    }

    /** @return how long a new token stays usable */
    public Duration lifetime() {
        return lifetime;
    }

    /**
     * Issues a token for a user.
     *
     * @param userId the user the token logs in as
     * @return the token, to hand to the client once
     */
    public String issue(String userId) {
        long now = clock.millis();
        byDigest.values().removeIf(e -> e.expiresMs() <= now);
        if (byDigest.size() >= MAX_OPEN) {
            throw new MatrixException(Status.TOO_MANY_REQUESTS_429, ErrorCode.M_LIMIT_EXCEEDED,
                    "Too many login tokens are open; try again later.", null,
                    Map.of("retry_after_ms", lifetime.toMillis()));
        }
        String token = Secrets.token(PREFIX);
        byDigest.put(Secrets.digest(token), new Entry(userId, now + lifetime.toMillis()));
        return token;
    }

    /**
     * Spends a token: whatever the outcome, it cannot be used again.
     *
     * @param token the token the client presented
     * @return the user it logs in as, or empty when it is unknown, used or expired
     */
    public Optional<String> take(String token) {
        Entry entry = byDigest.remove(Secrets.digest(token));
        if (entry == null || entry.expiresMs() <= clock.millis()) {
            return Optional.empty();
        }
        return Optional.of(entry.userId());
    }
}
