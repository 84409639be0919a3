package io.myelin.api.users;

/**
 * What an access token turned out to be.
 *
 * @param status    whether the token is valid, unknown or expired
 * @param requester who the token belongs to when {@link Status#VALID}, otherwise null
 */
public record TokenCheck(Status status, Requester requester) {

    /** The state of a presented access token. */
    public enum Status {
        /** The token is current. */
        VALID,
        /** No such token, or it was revoked (logout, device deletion, password change). */
        UNKNOWN,
        /** The token was issued with a refresh token and its lifetime is over; the client should refresh. */
        EXPIRED
    }

    /**
     * @param requester who the token belongs to
     * @return a valid check
     */
    public static TokenCheck valid(Requester requester) {
        return new TokenCheck(Status.VALID, requester);
    }

    /** @return the check of a token that is not known */
    public static TokenCheck unknown() {
        return new TokenCheck(Status.UNKNOWN, null);
    }

    /** @return the check of a token whose lifetime is over */
    public static TokenCheck expired() {
        return new TokenCheck(Status.EXPIRED, null);
    }
}
