package io.myelin.api.users;

import jakarta.json.JsonObject;

/**
 * The outcome of user-interactive authentication.
 *
 * @param complete  whether every stage of a flow is done, so the action may proceed
 * @param challenge when not complete, the body of the 401 to send ({@code flows}, {@code params},
 *                  {@code session}, {@code completed}, and {@code errcode}/{@code error} after a failed stage)
 */
public record UiaResponse(boolean complete, JsonObject challenge) {
}
