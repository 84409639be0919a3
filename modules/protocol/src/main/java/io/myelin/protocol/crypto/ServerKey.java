package io.myelin.protocol.crypto;

/**
 * A server's verify key as the key lookup knows it, with the time until which it may be used to check
 * signatures: {@code valid_until_ts} for a current key, {@code expired_ts} for an old one.
 *
 * @param key the verify key
 * @param validUntilTs milliseconds since the epoch; {@link Long#MAX_VALUE} for a key that never lapses,
 *     such as this server's own
 */
public record ServerKey(VerifyKey key, long validUntilTs) {

    /** Seven days: the longest a published key may be trusted into the future (room versions 5+). */
    public static final long MAX_VALIDITY_MILLIS = 7L * 24 * 60 * 60 * 1000;

    /**
     * The validity to record for a key fetched now: the lesser of its {@code valid_until_ts} and seven days
     * from now, as room versions 5 and later require.
     *
     * @param publishedValidUntilTs the key's {@code valid_until_ts}
     * @param nowMillis the time of the fetch
     * @return the validity to store
     */
    public static long cappedValidity(long publishedValidUntilTs, long nowMillis) {
        return Math.min(publishedValidUntilTs, nowMillis + MAX_VALIDITY_MILLIS);
    }
}
