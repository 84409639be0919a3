package io.myelin.protocol.auth;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import io.myelin.protocol.event.EventView;

/**
 * The room state an event is authorized against: either its auth events or a state map being built by
 * state resolution. Only the keys chosen by {@link AuthEventsSelector} are ever asked for.
 */
@FunctionalInterface
public interface AuthState {

    /**
     * Looks up one state event.
     *
     * @param type the event type
     * @param stateKey the state key
     * @return the event, or null when the state has none
     */
    EventView event(String type, String stateKey);

    /**
     * The state formed by a list of events, for example an event's auth events; a later event with the
     * same key replaces an earlier one.
     *
     * @param events state events
     * @return the state
     */
    static AuthState of(Collection<? extends EventView> events) {
        Map<StateKey, EventView> byKey = new HashMap<>();
        for (EventView event : events) {
            if (event != null && event.stateKey() != null) {
                byKey.put(new StateKey(event.type(), event.stateKey()), event);
            }
        }
        return (type, stateKey) -> byKey.get(new StateKey(type, stateKey));
    }

    /**
     * This state with the room's create event added. From room version 12 events no longer cite the
     * create event, which the room id names instead, so a caller adds it here.
     *
     * @param create the create event, may be null
     * @return the state
     */
    default AuthState withCreate(EventView create) {
        if (create == null) {
            return this;
        }
        return (type, stateKey) -> EventTypes.CREATE.equals(type) && stateKey.isEmpty()
                ? create : event(type, stateKey);
    }
}
