package io.myelin.protocol.state;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.myelin.protocol.auth.StateKey;
import io.myelin.protocol.event.EventView;

/**
 * Supplies state resolution with events by id, whether each was rejected, and auth chain differences.
 * A store with an auth chain index can answer {@link #authChainDifference} itself; the default walks the
 * {@code auth_events} graph through {@link #event}.
 */
public interface EventSource {

    /**
     * Looks up an event.
     *
     * @param eventId the event id
     * @return the event, or null when it is unknown
     */
    EventView event(String eventId);

    /**
     * Whether an event was rejected on receipt (it then never authorizes anything during iterative auth
     * checks).
     *
     * @param eventId the event id
     * @return whether it was rejected
     */
    default boolean rejected(String eventId) {
        return false;
    }

    /**
     * The auth difference of state sets: the union of their full auth chains minus the intersection,
     * where a set's full auth chain holds its own events and their auth chains. Events in every set (the
     * unconflicted state) are passed apart, since they and their auth chains are common to all sets and
     * can only shrink the difference.
     *
     * @param conflictedPerSet for each state set, its events that are not in every set
     * @param unconflicted the unconflicted state map: the entries every set holds
     * @return the auth difference
     */
    default Set<String> authChainDifference(List<Set<String>> conflictedPerSet, Map<StateKey, String> unconflicted) {
        return AuthGraph.authDifference(this, conflictedPerSet, unconflicted);
    }

    /**
     * A source over events held in memory.
     *
     * @param events the events by id
     * @param rejected the ids of rejected events
     * @return the source
     */
    static EventSource of(Map<String, ? extends EventView> events, Set<String> rejected) {
        return new EventSource() {
            @Override
            public EventView event(String eventId) {
                return events.get(eventId);
            }

            @Override
            public boolean rejected(String eventId) {
                return rejected.contains(eventId);
            }
        };
    }
}
