package io.myelin.protocol.auth;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.event.EventView;
import io.myelin.protocol.event.Pdu;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * The authorization rules of room versions 1 to 12 ("Authorization rules" in each room version's spec),
 * as pure functions. {@link #checkAuthEvents} applies the rules about an event's own {@code auth_events};
 * {@link #check} applies every rule that depends on room state, against the state given.
 *
 * <p>Signatures are not checked here: rule "membership has {@code join_authorised_via_users_server}:
 * the event must be signed by that user's server" is the caller's, as part of the signature checks on
 * receipt of a PDU ({@code PduValidator.requiredSigners}). Third-party invite signatures go through a
 * {@link ThirdPartyInviteVerifier}: Ed25519 over canonical JSON unless the caller supplies another.
 */
public final class AuthRules {

    private final RoomVersion version;
    private final ThirdPartyInviteVerifier verifier;

    private AuthRules(RoomVersion version, ThirdPartyInviteVerifier verifier) {
        this.version = version;
        this.verifier = verifier;
    }

    /**
     * Rules for a room version, verifying third-party invite signatures with Ed25519.
     *
     * @param version the room version
     * @return the rules
     */
    public static AuthRules of(RoomVersion version) {
        return new AuthRules(version, Ed25519InviteVerifier.INSTANCE);
    }

    /**
     * Rules for a room version.
     *
     * @param version the room version
     * @param verifier checks third-party invite signatures
     * @return the rules
     */
    public static AuthRules of(RoomVersion version, ThirdPartyInviteVerifier verifier) {
        return new AuthRules(version, verifier);
    }

    /** @return the room version */
    public RoomVersion version() {
        return version;
    }

    /**
     * Checks an event against its own auth events: the rules about {@code auth_events} (no duplicate
     * keys, only the keys the auth events selection names, none rejected, the create event present
     * before v12, all in the same room), then every state rule against the state they form.
     *
     * @param event the event
     * @param authEvents the events its {@code auth_events} name
     * @param create the room's create event; needed from v12, where events do not cite it; may be null
     *     before v12
     * @param rejected whether an event id was itself rejected
     * @return the result
     */
    public AuthResult checkAgainstAuthEvents(EventView event, List<? extends EventView> authEvents,
                                             EventView create, Predicate<String> rejected) {
        AuthResult shape = checkAuthEvents(event, authEvents, rejected);
        if (!shape.allowed()) {
            return shape;
        }
        AuthState state = AuthState.of(authEvents);
        return check(event, version.v12Rules() ? state.withCreate(create) : state);
    }

    /**
     * The rules about an event's {@code auth_events} alone.
     *
     * @param event the event
     * @param authEvents the events its {@code auth_events} name
     * @param rejected whether an event id was itself rejected
     * @return the result
     */
    public AuthResult checkAuthEvents(EventView event, List<? extends EventView> authEvents,
                                      Predicate<String> rejected) {
        if (isCreate(event)) {
            return authEvents.isEmpty() ? AuthResult.ALLOWED
                    : AuthResult.reject("create.auth_events", "a create event cites no auth events");
        }
        Set<StateKey> allowedKeys = AuthEventsSelector.select(version, event);
        Set<StateKey> seen = new HashSet<>();
        boolean hasCreate = false;
        for (EventView auth : authEvents) {
            if (auth.stateKey() == null) {
                return AuthResult.reject("auth_events.selection", auth.eventId() + " is not a state event");
            }
            StateKey key = new StateKey(auth.type(), auth.stateKey());
            if (!seen.add(key)) {
                return AuthResult.reject("auth_events.duplicate", "auth events cite " + key + " twice");
            }
            if (!allowedKeys.contains(key)) {
                return AuthResult.reject("auth_events.selection",
                        "auth event " + auth.eventId() + " has key " + key + " which the event may not cite");
            }
            if (rejected.test(auth.eventId())) {
                return AuthResult.reject("auth_events.rejected", "auth event " + auth.eventId() + " was rejected");
            }
            if (!event.roomId().equals(auth.roomId())) {
                return AuthResult.reject("auth_events.room", "auth event " + auth.eventId() + " is in room "
                        + auth.roomId());
            }
            hasCreate |= key.equals(StateKey.CREATE);
        }
        if (!version.v12Rules() && !hasCreate) {
            return AuthResult.reject("auth_events.create", "auth events do not include the create event");
        }
        return AuthResult.ALLOWED;
    }

    /**
     * Checks an event against room state: every rule from "if type is {@code m.room.create}" on, except
     * the rules about {@code auth_events} themselves. From v12 the state must answer the create event
     * even though events do not cite it (see {@link AuthState#withCreate}).
     *
     * @param event the event
     * @param state the state before the event
     * @return the result
     */
    public AuthResult check(EventView event, AuthState state) {
        if (isCreate(event)) {
            return checkCreate(event, state);
        }
        EventView create = state.event(EventTypes.CREATE, "");
        if (create == null) {
            return AuthResult.reject("create.missing", "the room has no create event");
        }
        if (version.v12Rules() && !create.eventId().equals(createEventIdOf(event.roomId()))) {
            return AuthResult.reject("room_id", "room id " + event.roomId() + " is not named by create event "
                    + create.eventId());
        }
        if (!create.roomId().equals(event.roomId())) {
            return AuthResult.reject("room_id", "the create event is in another room");
        }
        if (create.content().get("m.federate") == JsonValue.FALSE
                && !domain(event.sender()).equals(domain(create.sender()))) {
            return AuthResult.reject("m.federate", "the room does not federate and "
                    + event.sender() + " is on another server than its creator");
        }
        if (version.specialCasedAliases() && EventTypes.ALIASES.equals(event.type())) {
            return checkAliases(event);
        }
        PowerLevels levels = PowerLevels.of(version, create, state.event(EventTypes.POWER_LEVELS, ""));
        if (EventTypes.MEMBER.equals(event.type())) {
            return MembershipRules.check(version, verifier, event, state, create, levels);
        }
        return checkOther(event, state, levels);
    }

    private AuthResult checkOther(EventView event, AuthState state, PowerLevels levels) {
        String sender = event.sender();
        if (!EventTypes.JOIN.equals(MembershipRules.membership(state, sender))) {
            return AuthResult.reject("sender.joined", sender + " is not joined to the room");
        }
        long senderLevel = levels.user(sender);
        if (EventTypes.THIRD_PARTY_INVITE.equals(event.type())) {
            return senderLevel >= levels.invite() ? AuthResult.ALLOWED
                    : AuthResult.reject("third_party_invite.level", sender + " has level " + senderLevel
                            + ", below the invite level " + levels.invite());
        }
        long required = levels.required(event.type(), event.isState());
        if (required > senderLevel) {
            return AuthResult.reject("power.required", event.type() + " needs level " + required + " but "
                    + sender + " has " + senderLevel);
        }
        if (event.isState() && event.stateKey().startsWith("@") && !event.stateKey().equals(sender)) {
            return AuthResult.reject("state_key.user", "state key " + event.stateKey()
                    + " names a user other than the sender");
        }
        if (EventTypes.POWER_LEVELS.equals(event.type()) && event.isState()) {
            return PowerLevelRules.check(version, event, state, levels);
        }
        if (version.redactionAuthRule() && EventTypes.REDACTION.equals(event.type())) {
            return checkRedaction(event, levels, senderLevel);
        }
        return AuthResult.ALLOWED;
    }

    private AuthResult checkCreate(EventView event, AuthState state) {
        if (!event.prevEventIds().isEmpty()) {
            return AuthResult.reject("create.prev_events", "a create event has no previous events");
        }
        // On v12 the room id is derived from the create event, which must therefore not name one itself.
        if (version.v12Rules() && event instanceof Pdu pdu && pdu.json().containsKey("room_id")) {
            return AuthResult.reject("create.room_id", "a version 12 create event has no room_id");
        }
        if (!version.v12Rules() && !domain(event.roomId()).equals(domain(event.sender()))) {
            return AuthResult.reject("create.room_id", "room id " + event.roomId() + " is not on the server of "
                    + event.sender());
        }
        JsonValue roomVersion = event.content().get("room_version");
        boolean known = roomVersion instanceof JsonString s && RoomVersion.of(s.getString()).isPresent();
        if (roomVersion != null && !known) {
            return AuthResult.reject("create.room_version", "unknown room version " + roomVersion);
        }
        if (!version.v11Rules() && !(event.content().get("creator") instanceof JsonString)) {
            return AuthResult.reject("create.creator", "the create content has no creator");
        }
        if (version.v12Rules() && event.content().containsKey("additional_creators")) {
            if (!(event.content().get("additional_creators") instanceof JsonArray extra)
                    || !extra.stream().allMatch(v -> v instanceof JsonString s && isUserId(s.getString()))) {
                return AuthResult.reject("create.additional_creators",
                        "additional_creators is not an array of user ids");
            }
        }
        EventView existing = state.event(EventTypes.CREATE, "");
        if (existing != null && !existing.eventId().equals(event.eventId())) {
            return AuthResult.reject("create.unique", "the room already has create event " + existing.eventId());
        }
        return AuthResult.ALLOWED;
    }

    private static AuthResult checkAliases(EventView event) {
        if (event.stateKey() == null) {
            return AuthResult.reject("aliases.state_key", "m.room.aliases needs a state key");
        }
        if (!domain(event.sender()).equals(event.stateKey())) {
            return AuthResult.reject("aliases.domain", "state key " + event.stateKey()
                    + " is not the server of " + event.sender());
        }
        return AuthResult.ALLOWED;
    }

    private static AuthResult checkRedaction(EventView event, PowerLevels levels, long senderLevel) {
        if (senderLevel >= levels.redact()) {
            return AuthResult.ALLOWED;
        }
        String redacts = event.redacts();
        if (redacts != null && domain(redacts).equals(domain(event.eventId()))) {
            return AuthResult.ALLOWED;
        }
        return AuthResult.reject("redaction", event.sender() + " has level " + senderLevel
                + ", below the redact level " + levels.redact() + ", and redacts an event of another server");
    }

    /**
     * The id of the create event a v12 room id names: the room id with {@code $} for {@code !}.
     *
     * @param roomId the room id
     * @return the event id, or null when the room id is not shaped as a room id
     */
    public static String createEventIdOf(String roomId) {
        return roomId != null && roomId.startsWith("!") ? "$" + roomId.substring(1) : null;
    }

    private static boolean isCreate(EventView event) {
        return EventTypes.CREATE.equals(event.type()) && "".equals(event.stateKey());
    }

    /**
     * The server part of a user, room or v1 event id: everything after the first colon.
     *
     * @param id the id
     * @return the domain, or the empty string when there is none
     */
    static String domain(String id) {
        int colon = id == null ? -1 : id.indexOf(':');
        return colon < 0 ? "" : id.substring(colon + 1);
    }

    /**
     * Whether a string is shaped as a user id: {@code @}, a non-empty localpart, a colon, a server name.
     *
     * @param id the candidate
     * @return whether it is a user id
     */
    static boolean isUserId(String id) {
        int colon = id.indexOf(':');
        return id.length() <= 255 && id.startsWith("@") && colon > 1 && colon < id.length() - 1;
    }

    static List<String> publicKeys(JsonObject inviteContent) {
        List<String> keys = new ArrayList<>();
        if (inviteContent.get("public_key") instanceof JsonString key) {
            keys.add(key.getString());
        }
        if (inviteContent.get("public_keys") instanceof JsonArray array) {
            for (JsonValue value : array) {
                if (value instanceof JsonObject object && object.get("public_key") instanceof JsonString key) {
                    keys.add(key.getString());
                }
            }
        }
        return keys;
    }
}
