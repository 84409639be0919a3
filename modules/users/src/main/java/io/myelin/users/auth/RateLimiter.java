package io.myelin.users.auth;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.myelin.api.http.ErrorCode;
import io.myelin.api.http.MatrixException;
import io.myelin.users.config.UsersConfig.RateLimit;
import io.myelin.users.config.UsersConfig.RateLimits;

/**
 * Token buckets per account and per client address. A refused request is answered 429
 * {@code M_LIMIT_EXCEEDED} with {@code retry_after_ms} and a {@code Retry-After} header.
 *
 * <p>Buckets are kept in memory per process; a full bucket is the same as none, so idle ones are dropped
 * when the table grows.
 */
public final class RateLimiter {

    private static final int PRUNE_AT = 10_000;

    private final RateLimits limits;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /**
     * @param limits the configured limits
     * @param clock  the clock buckets refill by
     */
    public RateLimiter(RateLimits limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
    }

    /**
     * Counts a login attempt against the account and the address.
     *
     * @param account the user the attempt names, as given
     * @param ip      the client's address
     * @param res     the response, which gets {@code Retry-After} when refused
     * @throws MatrixException 429 when either is over its limit
     */
    public void loginAttempt(String account, String ip, ServerResponse res) {
        take("login-account " + account, limits.login(), res);
        take("login-ip " + ip, limits.loginIp(), res);
    }

    /**
     * Counts a registration attempt against the address.
     *
     * @param ip  the client's address
     * @param res the response
     * @throws MatrixException 429 when over the limit
     */
    public void registration(String ip, ServerResponse res) {
        take("register-ip " + ip, limits.registration(), res);
    }

    /**
     * Counts a request of an authenticated user, or of an address when there is no user.
     *
     * @param key the user id, or the address
     * @param res the response
     * @throws MatrixException 429 when over the limit
     */
    public void request(String key, ServerResponse res) {
        take("request " + key, limits.requests(), res);
    }

    private void take(String key, RateLimit limit, ServerResponse res) {
        if (!limits.enabled()) {
            return;
        }
        long now = clock.millis();
        if (buckets.size() > PRUNE_AT) {
            buckets.values().removeIf(b -> b.fullAt(now));
        }
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(limit, now));
        long waitMs = bucket.take(now);
        if (waitMs > 0) {
            res.header("Retry-After", Long.toString((waitMs + 999) / 1000));
            throw new MatrixException(Status.TOO_MANY_REQUESTS_429, ErrorCode.M_LIMIT_EXCEEDED,
                    "Too many requests; try again later.", null, Map.of("retry_after_ms", waitMs));
        }
    }

    /** A token bucket: {@code burst} tokens, refilled at {@code perSecond}. */
    private static final class Bucket {
        private final RateLimit limit;
        private double tokens;
        private long updatedMs;

        Bucket(RateLimit limit, long now) {
            this.limit = limit;
            this.tokens = limit.burst();
            this.updatedMs = now;
        }

        synchronized long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) * 1000 / limit.perSecond());
        }

        synchronized boolean fullAt(long now) {
            refill(now);
            return tokens >= limit.burst();
        }

        private void refill(long now) {
            tokens = Math.min(limit.burst(), tokens + (now - updatedMs) / 1000.0 * limit.perSecond());
            updatedMs = now;
        }
    }
}
