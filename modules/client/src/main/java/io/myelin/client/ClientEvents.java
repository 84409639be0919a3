package io.myelin.client;

import java.util.Set;

import io.myelin.api.http.Json;
import io.myelin.api.roomserver.RoomEvent;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * Turns stored events into the client-server API's {@code ClientEvent} format: the fields clients read, without
 * the graph, hashes and signatures that only servers need.
 */
final class ClientEvents {

    private static final Set<String> KEPT = Set.of("content", "origin_server_ts", "room_id", "sender", "state_key",
            "type", "unsigned", "redacts");

    private ClientEvents() {
    }

    static JsonObject format(RoomEvent event) {
        JsonObjectBuilder out = Json.object().add("event_id", event.eventId());
        for (var entry : event.json().entrySet()) {
            if (KEPT.contains(entry.getKey())) {
                out.add(entry.getKey(), entry.getValue());
            }
        }
        if (!event.json().containsKey("room_id")) {
            out.add("room_id", event.roomId());
        }
        if (!event.json().containsKey("unsigned")) {
            out.add("unsigned", Json.empty());
        }
        return out.build();
    }
}
