package io.myelin.users.http;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.myelin.api.http.ErrorCode;
import io.myelin.api.http.MatrixException;
import io.myelin.api.users.AccessTokens;
import io.myelin.api.users.Authentication;
import io.myelin.api.users.Requester;
import io.myelin.users.auth.RateLimiter;

/**
 * Authenticates a request to one of this component's endpoints and counts it against the user's rate limit.
 */
final class Guard {

    private final AccessTokens tokens;
    private final RateLimiter limiter;

    Guard(AccessTokens tokens, RateLimiter limiter) {
        this.tokens = tokens;
        this.limiter = limiter;
    }

    /**
     * Authenticates a request of a full account. Guests are refused here unless the endpoint uses
     * {@link #requesterOrGuest}: the specification lists what guests may do, and everything else is closed to them.
     *
     * @return the requester
     * @throws MatrixException 403 {@code M_GUEST_ACCESS_FORBIDDEN} for a guest
     */
    Requester requester(ServerRequest req, ServerResponse res) {
        Requester who = requesterOrGuest(req, res);
        if (who.guest()) {
            throw guestForbidden();
        }
        return who;
    }

    /**
     * Authenticates a request of an endpoint guests may use too.
     *
     * @return the requester
     */
    Requester requesterOrGuest(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        limiter.request(who.userId(), res);
        return who;
    }

    /**
     * Authenticates a request about the user in its path, which must be the requester.
     *
     * @return the requester
     * @throws MatrixException 403 when the path names someone else
     */
    Requester self(ServerRequest req, ServerResponse res) {
        return self(req, res, false);
    }

    /**
     * Authenticates a request about the user in its path, which must be the requester.
     *
     * @param guests whether guests may use the endpoint
     * @return the requester
     * @throws MatrixException 403 when the path names someone else, or the requester is a guest and may not
     */
    Requester self(ServerRequest req, ServerResponse res, boolean guests) {
        Requester who = guests ? requesterOrGuest(req, res) : requester(req, res);
        if (!who.userId().equals(req.path().pathParameters().get("userId"))) {
            throw MatrixException.forbidden("Cannot access another user's data.");
        }
        return who;
    }

    /**
     * The refusal of an endpoint guests may not use.
     *
     * @return the 403 {@code M_GUEST_ACCESS_FORBIDDEN}
     */
    private static MatrixException guestForbidden() {
        return new MatrixException(Status.FORBIDDEN_403, ErrorCode.M_GUEST_ACCESS_FORBIDDEN,
                "Guest accounts cannot do this; register a full account.");
    }
}
