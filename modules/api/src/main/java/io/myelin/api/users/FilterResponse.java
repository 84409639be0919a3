package io.myelin.api.users;

import jakarta.json.JsonObject;

/**
 * A stored filter.
 *
 * @param filter the filter definition as the client uploaded it, or null when there is none
 */
public record FilterResponse(JsonObject filter) {
}
