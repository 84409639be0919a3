package io.myelin.protocol.state;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.auth.AuthEventsSelector;
import io.myelin.protocol.auth.AuthResult;
import io.myelin.protocol.auth.AuthRules;
import io.myelin.protocol.auth.AuthState;
import io.myelin.protocol.auth.EventTypes;
import io.myelin.protocol.auth.StateKey;
import io.myelin.protocol.event.EventView;

/**
 * The iterative auth checks of state resolution v2 and v2.1: each event in turn is checked against the
 * state built so far, falling back to its own (not rejected) auth events for keys the state lacks, and
 * applied when allowed.
 */
final class IterativeAuthChecks {

    private final RoomVersion version;
    private final AuthRules rules;
    private final EventSource source;
    private final ResolutionListener listener;

    IterativeAuthChecks(RoomVersion version, AuthRules rules, EventSource source, ResolutionListener listener) {
        this.version = version;
        this.rules = rules;
        this.source = source;
        this.listener = listener;
    }

    void apply(String step, List<EventView> events, WorkingState state) {
        for (EventView event : events) {
            AuthResult result = rules.check(event, authState(event, state));
            listener.checked(step, event, result);
            if (result.allowed()) {
                state.put(new StateKey(event.type(), event.stateKey()), event.eventId());
            }
        }
    }

    private AuthState authState(EventView event, WorkingState state) {
        Map<StateKey, EventView> fallback = null;
        Map<StateKey, EventView> chosen = new HashMap<>();
        for (StateKey key : AuthEventsSelector.select(version, event)) {
            String id = state.get(key);
            EventView found = id == null ? null : source.event(id);
            if (found == null) {
                if (fallback == null) {
                    fallback = ownAuthEvents(event);
                }
                found = fallback.get(key);
            }
            if (found != null) {
                chosen.put(key, found);
            }
        }
        AuthState result = (type, stateKey) -> chosen.get(new StateKey(type, stateKey));
        if (version.v12Rules()) {
            String createId = state.get(StateKey.CREATE);
            result = result.withCreate(source.event(createId != null ? createId : createIdOf(event.roomId())));
        }
        return result;
    }

    private Map<StateKey, EventView> ownAuthEvents(EventView event) {
        Map<StateKey, EventView> byKey = new HashMap<>();
        for (String id : event.authEventIds()) {
            EventView auth = source.event(id);
            if (auth != null && auth.stateKey() != null && !source.rejected(id)) {
                byKey.put(new StateKey(auth.type(), auth.stateKey()), auth);
            }
        }
        return byKey;
    }

    /**
     * The id of the create event that a v12 room id names.
     *
     * @param roomId the room id
     * @return the event id
     */
    static String createIdOf(String roomId) {
        String id = AuthRules.createEventIdOf(roomId);
        return id == null ? "" : id;
    }

    static boolean isCreate(EventView event) {
        return EventTypes.CREATE.equals(event.type()) && "".equals(event.stateKey());
    }
}
