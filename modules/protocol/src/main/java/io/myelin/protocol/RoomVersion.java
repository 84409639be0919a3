package io.myelin.protocol;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The room versions Myelin speaks, as data: each row says which variant of every versioned rule
 * applies. See the spec's "Room versions" section and {@code content/rooms/v1.md} to {@code v12.md}.
 */
public enum RoomVersion {
    V1("1", EventFormat.V1, EventIdFormat.SERVER_SCOPED, StateResolution.V1, 1),
    V2("2", EventFormat.V1, EventIdFormat.SERVER_SCOPED, StateResolution.V2, 1),
    V3("3", EventFormat.V2, EventIdFormat.BASE64, StateResolution.V2, 3),
    V4("4", EventFormat.V2, EventIdFormat.URL_SAFE_BASE64, StateResolution.V2, 3),
    V5("5", EventFormat.V2, EventIdFormat.URL_SAFE_BASE64, StateResolution.V2, 5),
    V6("6", EventFormat.V2, EventIdFormat.URL_SAFE_BASE64, StateResolution.V2, 6),
    V7("7", EventFormat.V2, EventIdFormat.URL_SAFE_BASE64, StateResolution.V2, 7),
    V8("8", EventFormat.V2, EventIdFormat.URL_SAFE_BASE64, StateResolution.V2, 8),
    V9("9", EventFormat.V2, EventIdFormat.URL_SAFE_BASE64, StateResolution.V2, 9),
    V10("10", EventFormat.V2, EventIdFormat.URL_SAFE_BASE64, StateResolution.V2, 10),
    V11("11", EventFormat.V2, EventIdFormat.URL_SAFE_BASE64, StateResolution.V2, 11),
    V12("12", EventFormat.V2, EventIdFormat.URL_SAFE_BASE64, StateResolution.V2_1, 12);

    /** The version new rooms get unless the configuration names another. */
    public static final RoomVersion DEFAULT = V12;

    private final String id;
    private final EventFormat eventFormat;
    private final EventIdFormat eventIdFormat;
    private final StateResolution stateResolution;
    private final int number;

    RoomVersion(String id, EventFormat eventFormat, EventIdFormat eventIdFormat,
                StateResolution stateResolution, int number) {
        this.id = id;
        this.eventFormat = eventFormat;
        this.eventIdFormat = eventIdFormat;
        this.stateResolution = stateResolution;
        this.number = number;
    }

    /**
     * Finds a version by its identifier as it appears in {@code m.room.create}.
     *
     * @param id the identifier, for example {@code "10"}
     * @return the version, or empty when Myelin does not know it
     */
    public static Optional<RoomVersion> of(String id) {
        return Arrays.stream(values()).filter(v -> v.id.equals(id)).findFirst();
    }

    /**
     * Every known version identifier.
     *
     * @return the identifiers, oldest first
     */
    public static List<String> ids() {
        return Arrays.stream(values()).map(RoomVersion::id).toList();
    }

    /** @return the identifier, for example {@code "12"} */
    public String id() {
        return id;
    }

    /** @return whether the spec calls this version stable (all of 1 to 12 are) */
    public boolean stable() {
        return true;
    }

    /** @return the event format */
    public EventFormat eventFormat() {
        return eventFormat;
    }

    /** @return how event ids are formed */
    public EventIdFormat eventIdFormat() {
        return eventIdFormat;
    }

    /** @return the state resolution algorithm */
    public StateResolution stateResolution() {
        return stateResolution;
    }

    /** @return whether a signing key's {@code valid_until_ts} is enforced (v5+) */
    public boolean enforcesKeyValidity() {
        return number >= 5;
    }

    /** @return whether canonical JSON is strict: integers only, in [-(2^53)+1, 2^53-1] (v6+) */
    public boolean strictCanonicalJson() {
        return number >= 6;
    }

    /** @return whether {@code m.room.aliases} has special auth and redaction rules (v1-v5) */
    public boolean specialCasedAliases() {
        return number < 6;
    }

    /** @return whether auth rule "if type is {@code m.room.redaction}" with the redact level applies (v1-v2) */
    public boolean redactionAuthRule() {
        return number < 3;
    }

    /** @return whether the {@code notifications} key of power levels is checked by auth (v6+) */
    public boolean limitsNotificationsPowerLevels() {
        return number >= 6;
    }

    /** @return whether knocking is allowed (v7+) */
    public boolean knocking() {
        return number >= 7;
    }

    /** @return whether restricted join rules exist (v8+) */
    public boolean restrictedJoins() {
        return number >= 8;
    }

    /** @return whether {@code join_authorised_via_users_server} survives redaction (v9+) */
    public boolean keepsJoinAuthorisedViaOnRedaction() {
        return number >= 9;
    }

    /** @return whether the {@code knock_restricted} join rule exists (v10+) */
    public boolean knockRestricted() {
        return number >= 10;
    }

    /** @return whether power levels must be integers rather than strings or floats (v10+) */
    public boolean integerPowerLevels() {
        return number >= 10;
    }

    /**
     * @return whether v11's changes apply: creator taken from the sender, {@code redacts} in content,
     *     and v11's redaction rules
     */
    public boolean v11Rules() {
        return number >= 11;
    }

    /**
     * @return whether v12's changes apply: room id derived from the create event, creators (sender plus
     *     {@code additional_creators}) with unbounded power, and state resolution v2.1
     */
    public boolean v12Rules() {
        return number >= 12;
    }

    /** Shapes of the event JSON. */
    public enum EventFormat {
        /** Versions 1-2: events carry {@code event_id}; references are {@code [id, hashes]} pairs. */
        V1,
        /** Versions 3+: event ids are derived from the reference hash; references are plain ids. */
        V2
    }

    /** How event ids are written. */
    public enum EventIdFormat {
        /** {@code $opaque:server}. */
        SERVER_SCOPED,
        /** {@code $} plus unpadded standard base64 of the reference hash. */
        BASE64,
        /** {@code $} plus unpadded URL-safe base64 of the reference hash. */
        URL_SAFE_BASE64
    }

    /** State resolution algorithms. */
    public enum StateResolution {
        /** The original algorithm (room version 1). */
        V1,
        /** State resolution v2 (versions 2-11). */
        V2,
        /** State resolution v2.1 (version 12): starts from empty state and replays the conflicted subgraph. */
        V2_1
    }
}
