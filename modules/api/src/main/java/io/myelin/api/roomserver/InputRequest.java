package io.myelin.api.roomserver;

import java.util.List;

/**
 * Events to add, in order.
 *
 * @param events       the events
 * @param asynchronous whether to return once they are queued instead of once they are handled
 */
public record InputRequest(List<InputRoomEvent> events, boolean asynchronous) {

    /**
     * Copies the list.
     */
    public InputRequest {
        events = List.copyOf(events);
    }
}
