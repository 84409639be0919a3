package io.myelin.sync.push;

import java.util.List;

import io.myelin.protocol.event.EventView;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/**
 * A state event as the roomserver returns it, seen through the fields power level rules read.
 *
 * @param json the event JSON
 */
record StateView(JsonObject json) implements EventView {

    @Override
    public String eventId() {
        return json.getString("event_id", null);
    }

    @Override
    public String roomId() {
        return json.getString("room_id", null);
    }

    @Override
    public String type() {
        return json.getString("type", null);
    }

    @Override
    public String stateKey() {
        return json.getString("state_key", null);
    }

    @Override
    public String sender() {
        return json.getString("sender", null);
    }

    @Override
    public JsonObject content() {
        return json.get("content") instanceof JsonObject content ? content : JsonValue.EMPTY_JSON_OBJECT;
    }

    @Override
    public List<String> prevEventIds() {
        return List.of();
    }

    @Override
    public List<String> authEventIds() {
        return List.of();
    }

    @Override
    public long depth() {
        return 0;
    }

    @Override
    public long originServerTs() {
        return 0;
    }

    @Override
    public String redacts() {
        return null;
    }
}
