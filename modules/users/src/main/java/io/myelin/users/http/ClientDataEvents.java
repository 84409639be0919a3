package io.myelin.users.http;

import java.nio.charset.StandardCharsets;

import io.myelin.api.bus.Bus;
import io.myelin.api.bus.Streams;
import io.myelin.api.http.Json;

/**
 * Tells other components that a user's account data changed, on the bus stream
 * {@link Streams#OUTPUT_CLIENT_DATA}, subject the user id, payload {@code {"user_id","room_id","type"}}
 * ({@code room_id} empty for global data).
 */
final class ClientDataEvents {

    private final Bus bus;

    /**
     * @param bus the bus to publish on
     */
    ClientDataEvents(Bus bus) {
        this.bus = bus;
    }

    void changed(String userId, String roomId, String type) {
        String payload = Json.object().add("user_id", userId).add("room_id", roomId).add("type", type).build()
                .toString();
        bus.publish(Streams.OUTPUT_CLIENT_DATA, userId, payload.getBytes(StandardCharsets.UTF_8));
    }
}
