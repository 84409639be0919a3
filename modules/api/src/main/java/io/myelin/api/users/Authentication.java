package io.myelin.api.users;

import java.util.Map;
import java.util.Optional;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.myelin.api.http.ErrorCode;
import io.myelin.api.http.MatrixException;

/**
 * Authenticates a client request the way the client-server API's "Client authentication" section
 * describes: the access token comes from {@code Authorization: Bearer <token>} or, for older clients,
 * the {@code access_token} query parameter.
 */
public final class Authentication {

    private static final String BEARER = "bearer ";

    private Authentication() {
    }

    /**
     * The access token a request carries, from the header first, else from the query.
     *
     * @param request the request
     * @return the token, or empty when the request carries none
     */
    public static Optional<String> token(ServerRequest request) {
        Optional<String> header = request.headers().first(HeaderNames.AUTHORIZATION);
        if (header.isPresent()) {
            String value = header.get().trim();
            if (value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                String token = value.substring(BEARER.length()).trim();
                return token.isEmpty() ? Optional.empty() : Optional.of(token);
            }
            return Optional.empty();
        }
        return request.query().first("access_token").asOptional().filter(t -> !t.isEmpty());
    }

    /**
     * Authenticates a request or fails it.
     *
     * @param request the request
     * @param tokens  the token service
     * @return who made the request
     * @throws MatrixException 401 {@code M_MISSING_TOKEN} when there is no token, 401 {@code M_UNKNOWN_TOKEN}
     *                         with {@code soft_logout} false when it is unknown or revoked, and with
     *                         {@code soft_logout} true when it has expired and may be refreshed
     */
    public static Requester require(ServerRequest request, AccessTokens tokens) {
        String token = token(request).orElseThrow(() -> new MatrixException(Status.UNAUTHORIZED_401,
                ErrorCode.M_MISSING_TOKEN, "Missing access token."));
        TokenCheck check = tokens.check(token);
        return switch (check.status()) {
            case VALID -> check.requester();
            case EXPIRED -> throw unknownToken("Access token has expired.", true);
            case UNKNOWN -> throw unknownToken("Unrecognised access token.", false);
        };
    }

    /**
     * The error for a token that cannot be used.
     *
     * @param message    for the client
     * @param softLogout whether the client may refresh instead of logging in again
     * @return a 401 {@code M_UNKNOWN_TOKEN}
     */
    public static MatrixException unknownToken(String message, boolean softLogout) {
        return new MatrixException(Status.UNAUTHORIZED_401, ErrorCode.M_UNKNOWN_TOKEN, message, null,
                Map.of("soft_logout", softLogout));
    }
}
