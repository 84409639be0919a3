package io.myelin.api.roomserver;

import java.util.List;

import jakarta.json.JsonObject;

/**
 * An auth chain.
 *
 * @param events the events' JSON
 */
public record AuthChainResponse(List<JsonObject> events) {
}
