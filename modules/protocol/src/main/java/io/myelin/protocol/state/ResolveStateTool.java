package io.myelin.protocol.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.auth.AuthResult;
import io.myelin.protocol.auth.AuthRules;
import io.myelin.protocol.auth.StateKey;
import io.myelin.protocol.event.EventView;
import io.myelin.protocol.event.Pdu;
import io.myelin.protocol.json.JsonSupport;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * The core of {@code myelin resolve-state}: resolves state sets given as lists of event ids over events in
 * the federation format of a room version, and explains every ordering and auth decision. Signatures and
 * hashes are not checked; event ids are taken from the events (v1-v2) or computed (v3+).
 */
public final class ResolveStateTool {

    private ResolveStateTool() {
    }

    /**
     * A parsed input file.
     *
     * @param name the file name, used in error messages
     * @param json its content
     */
    public record Input(String name, JsonValue json) {
    }

    /**
     * The outcome.
     *
     * @param resolved {@code {"<type>": {"<state_key>": "<event_id>"}}}, keys sorted
     * @param explanation one line per step, ordering and auth decision
     */
    public record Result(JsonObject resolved, List<String> explanation) {
    }

    /**
     * Resolves states.
     *
     * @param version the room version
     * @param events a JSON array of events
     * @param states JSON arrays of event ids, one per state set
     * @return the resolved state and its explanation
     * @throws ProtocolException naming the file and the event when an input is malformed
     */
    public static Result run(RoomVersion version, Input events, List<Input> states) {
        Map<String, EventView> byId = parseEvents(version, events);
        List<Map<StateKey, String>> stateSets = new ArrayList<>();
        for (Input state : states) {
            stateSets.add(parseState(state, byId));
        }
        List<String> explanation = new ArrayList<>();
        Map<StateKey, String> resolved = StateResolver.resolve(AuthRules.of(version), stateSets,
                EventSource.of(byId, Set.of()), new Explainer(explanation));
        return new Result(toJson(resolved), explanation);
    }

    private static Map<String, EventView> parseEvents(RoomVersion version, Input input) {
        if (!(input.json() instanceof JsonArray array)) {
            throw new ProtocolException(input.name() + ": expected a JSON array of events");
        }
        Map<String, EventView> byId = new HashMap<>(array.size() * 2);
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof JsonObject object)) {
                throw new ProtocolException(input.name() + ": entry " + i + " is not a JSON object");
            }
            Pdu pdu;
            try {
                pdu = Pdu.parse(version, object);
            } catch (ProtocolException | ClassCastException | NullPointerException e) {
                throw new ProtocolException(input.name() + ": event " + describe(i, object) + ": " + e.getMessage(),
                        e);
            }
            if (byId.put(pdu.eventId(), pdu) != null) {
                throw new ProtocolException(input.name() + ": event " + pdu.eventId() + " appears twice");
            }
        }
        return byId;
    }

    private static String describe(int index, JsonObject object) {
        return object.get("event_id") instanceof JsonString id ? "#" + index + " (" + id.getString() + ")"
                : "#" + index;
    }

    private static Map<StateKey, String> parseState(Input input, Map<String, EventView> events) {
        if (!(input.json() instanceof JsonArray array)) {
            throw new ProtocolException(input.name() + ": expected a JSON array of event ids");
        }
        Map<StateKey, String> state = new HashMap<>(array.size() * 2);
        for (JsonValue value : array) {
            if (!(value instanceof JsonString idValue)) {
                throw new ProtocolException(input.name() + ": " + value + " is not an event id");
            }
            String id = idValue.getString();
            EventView event = events.get(id);
            if (event == null) {
                throw new ProtocolException(input.name() + ": event " + id + " is not among the events");
            }
            if (!event.isState()) {
                throw new ProtocolException(input.name() + ": event " + id + " is not a state event");
            }
            StateKey key = new StateKey(event.type(), event.stateKey());
            String previous = state.put(key, id);
            if (previous != null && !previous.equals(id)) {
                throw new ProtocolException(input.name() + ": events " + previous + " and " + id
                        + " both hold " + key);
            }
        }
        return state;
    }

    private static JsonObject toJson(Map<StateKey, String> resolved) {
        Map<String, Map<String, String>> sorted = new TreeMap<>();
        resolved.forEach((key, id) ->
                sorted.computeIfAbsent(key.type(), t -> new TreeMap<>()).put(key.stateKey(), id));
        JsonObjectBuilder builder = JsonSupport.objectBuilder();
        sorted.forEach((type, keys) -> {
            JsonObjectBuilder inner = JsonSupport.objectBuilder();
            keys.forEach(inner::add);
            builder.add(type, inner);
        });
        return builder.build();
    }

    /** Writes what the resolver reports as lines of text. */
    private record Explainer(List<String> lines) implements ResolutionListener {

        @Override
        public void ordered(String step, List<String> eventIds) {
            lines.add(step + ": " + (eventIds.isEmpty() ? "(none)" : String.join(", ", eventIds)));
        }

        @Override
        public void checked(String step, EventView event, AuthResult result) {
            lines.add("  " + step + ": " + event.eventId() + " " + event.type() + " [" + event.stateKey() + "] by "
                    + event.sender() + ": " + result);
        }

        @Override
        public void note(String message) {
            lines.add(message);
        }
    }
}
