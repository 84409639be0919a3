package io.myelin.api.users;

/**
 * Checks client access tokens; provided by the users component and used by every component that serves
 * authenticated client endpoints, usually through {@link Authentication#require}.
 */
public interface AccessTokens {

    /**
     * Looks up an access token.
     *
     * @param accessToken the token exactly as the client sent it
     * @return whether it is valid, and whose it is
     */
    TokenCheck check(String accessToken);
}
