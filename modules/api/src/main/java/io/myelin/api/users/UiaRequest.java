package io.myelin.api.users;

import jakarta.json.JsonObject;

/**
 * A request body to run through user-interactive authentication.
 *
 * @param userId  the user acting, who must prove it is them
 * @param purpose what the session is for, for example {@code device_signing_upload}; a session started for
 *                one purpose cannot complete another
 * @param body    the request body, whose {@code auth} member carries the client's stage
 */
public record UiaRequest(String userId, String purpose, JsonObject body) {
}
