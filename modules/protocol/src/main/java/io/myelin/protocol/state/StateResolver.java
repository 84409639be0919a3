package io.myelin.protocol.state;

import java.util.List;
import java.util.Map;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.auth.AuthRules;
import io.myelin.protocol.auth.StateKey;

/**
 * Resolves a set of room states into one, with the algorithm of the room version: the original
 * algorithm for version 1, state resolution v2 for versions 2 to 11 and v2.1 for version 12.
 *
 * <p>Each state set maps {@code (type, state_key)} to an event id; the {@link EventSource} supplies the
 * events and their auth chains. The result does not depend on the order of the sets.
 */
public final class StateResolver {

    private StateResolver() {
    }

    /**
     * Resolves states.
     *
     * @param rules the authorization rules of the room's version
     * @param stateSets the states to resolve
     * @param source the events
     * @return the resolved state, a new mutable map
     */
    public static Map<StateKey, String> resolve(AuthRules rules, List<Map<StateKey, String>> stateSets,
                                                EventSource source) {
        return resolve(rules, stateSets, source, ResolutionListener.NONE);
    }

    /**
     * Resolves states, telling a listener every ordering and auth decision.
     *
     * @param rules the authorization rules of the room's version
     * @param stateSets the states to resolve
     * @param source the events
     * @param listener the listener
     * @return the resolved state, a new mutable map
     */
    public static Map<StateKey, String> resolve(AuthRules rules, List<Map<StateKey, String>> stateSets,
                                                EventSource source, ResolutionListener listener) {
        RoomVersion version = rules.version();
        if (version.stateResolution() == RoomVersion.StateResolution.V1) {
            return new StateResolverV1(version, rules, source, listener).resolve(stateSets);
        }
        return new StateResolverV2(version, rules, source, listener).resolve(stateSets);
    }
}
