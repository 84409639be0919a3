package io.myelin.protocol.testing;

import java.util.List;

import io.myelin.protocol.event.EventView;
import jakarta.json.JsonObject;

/** An event built directly by tests. */
public record TestEvent(String eventId, String roomId, String type, String stateKey, String sender,
                        JsonObject content, List<String> prevEventIds, List<String> authEventIds, long depth,
                        long originServerTs, String redacts) implements EventView {

    /**
     * A copy with other auth events.
     *
     * @param ids the auth event ids
     * @return the copy
     */
    public TestEvent withAuthEvents(List<String> ids) {
        return new TestEvent(eventId, roomId, type, stateKey, sender, content, prevEventIds, ids, depth,
                originServerTs, redacts);
    }

    /**
     * A copy with other previous events.
     *
     * @param ids the previous event ids
     * @return the copy
     */
    public TestEvent withPrevEvents(List<String> ids) {
        return new TestEvent(eventId, roomId, type, stateKey, sender, content, ids, authEventIds, depth,
                originServerTs, redacts);
    }

    /**
     * A copy in another room.
     *
     * @param id the room id
     * @return the copy
     */
    public TestEvent withRoomId(String id) {
        return new TestEvent(eventId, id, type, stateKey, sender, content, prevEventIds, authEventIds, depth,
                originServerTs, redacts);
    }

    @Override
    public String toString() {
        return eventId + " " + type + (stateKey == null ? "" : "/" + stateKey) + " by " + sender + " " + content;
    }
}
