package io.myelin.protocol.auth;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.event.EventView;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * Which state an event must cite in its {@code auth_events}, following the server-server API's "Auth
 * events selection": the create event (before v12), the power levels, the sender's membership and, for
 * memberships, the target's membership, the join rules, a third-party invite and the authorising user of a
 * restricted join. The same keys are the only ones the authorization rules read.
 */
public final class AuthEventsSelector {

    private AuthEventsSelector() {
    }

    /**
     * The keys an event must cite.
     *
     * @param version the room version
     * @param event the event
     * @return the keys, in a stable order; empty for a create event
     */
    public static Set<StateKey> select(RoomVersion version, EventView event) {
        return select(version, event.type(), event.stateKey(), event.sender(), event.content());
    }

    /**
     * The keys an event under construction must cite.
     *
     * @param version the room version
     * @param type the event type
     * @param stateKey the state key, or null
     * @param sender the sender
     * @param content the content
     * @return the keys, in a stable order; empty for a create event
     */
    public static Set<StateKey> select(RoomVersion version, String type, String stateKey, String sender,
                                       JsonObject content) {
        Set<StateKey> keys = new LinkedHashSet<>();
        if (EventTypes.CREATE.equals(type) && "".equals(stateKey)) {
            return keys;
        }
        if (!version.v12Rules()) {
            keys.add(StateKey.CREATE);
        }
        keys.add(StateKey.POWER_LEVELS);
        keys.add(StateKey.member(sender));
        if (!EventTypes.MEMBER.equals(type) || stateKey == null) {
            return keys;
        }
        keys.add(StateKey.member(stateKey));
        String membership = string(content, "membership");
        if (EventTypes.JOIN.equals(membership) || EventTypes.INVITE.equals(membership)
                || EventTypes.KNOCK.equals(membership)) {
            keys.add(StateKey.JOIN_RULES);
        }
        if (EventTypes.INVITE.equals(membership)) {
            String token = thirdPartyToken(content);
            if (token != null) {
                keys.add(new StateKey(EventTypes.THIRD_PARTY_INVITE, token));
            }
        }
        if (EventTypes.JOIN.equals(membership) && version.restrictedJoins()) {
            String authoriser = string(content, "join_authorised_via_users_server");
            if (authoriser != null) {
                keys.add(StateKey.member(authoriser));
            }
        }
        return keys;
    }

    /**
     * The ids of the auth events a new event must cite, taken from the room's current state: the state
     * events of every selected key the state holds, in selection order.
     *
     * @param version the room version
     * @param type the event type
     * @param stateKey the state key, or null
     * @param sender the sender
     * @param content the content
     * @param currentState the room's current state, key to event id
     * @return the auth event ids
     */
    public static List<String> authEventIds(RoomVersion version, String type, String stateKey, String sender,
                                            JsonObject content, Map<StateKey, String> currentState) {
        List<String> ids = new ArrayList<>();
        for (StateKey key : select(version, type, stateKey, sender, content)) {
            String id = currentState.get(key);
            if (id != null && !ids.contains(id)) {
                ids.add(id);
            }
        }
        return ids;
    }

    static String thirdPartyToken(JsonObject content) {
        if (content.get("third_party_invite") instanceof JsonObject invite
                && invite.get("signed") instanceof JsonObject signed) {
            return string(signed, "token");
        }
        return null;
    }

    static String string(JsonObject object, String name) {
        JsonValue value = object.get(name);
        return value instanceof JsonString s ? s.getString() : null;
    }
}
