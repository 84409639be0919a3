package io.myelin.keys.service;

import io.myelin.api.http.Json;

import jakarta.json.JsonObject;

/**
 * What query and claim say about users on other servers while keys are not yet fetched over federation.
 */
final class Remote {

    private Remote() {
    }

    /** The {@code failures} entry of a server that was not asked. */
    static JsonObject failure() {
        // Not yet: keys of remote users are not fetched over federation, so their server is reported unreachable.
        return Json.object().add("status", 503).add("message", "Keys of remote users are not fetched yet.").build();
    }

    /** The server name of a user id, or null when it is not one. */
    static String serverOf(String userId) {
        int colon = userId.indexOf(':');
        return userId.startsWith("@") && colon > 1 && colon < userId.length() - 1 ? userId.substring(colon + 1) : null;
    }
}
