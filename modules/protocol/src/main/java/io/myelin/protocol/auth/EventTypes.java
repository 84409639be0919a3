package io.myelin.protocol.auth;

/** The event types and membership values the authorization rules and state resolution read. */
public final class EventTypes {

    /** {@code m.room.create}. */
    public static final String CREATE = "m.room.create";
    /** {@code m.room.member}. */
    public static final String MEMBER = "m.room.member";
    /** {@code m.room.power_levels}. */
    public static final String POWER_LEVELS = "m.room.power_levels";
    /** {@code m.room.join_rules}. */
    public static final String JOIN_RULES = "m.room.join_rules";
    /** {@code m.room.third_party_invite}. */
    public static final String THIRD_PARTY_INVITE = "m.room.third_party_invite";
    /** {@code m.room.aliases}. */
    public static final String ALIASES = "m.room.aliases";
    /** {@code m.room.redaction}. */
    public static final String REDACTION = "m.room.redaction";

    /** Membership {@code join}. */
    public static final String JOIN = "join";
    /** Membership {@code invite}. */
    public static final String INVITE = "invite";
    /** Membership {@code leave}. */
    public static final String LEAVE = "leave";
    /** Membership {@code ban}. */
    public static final String BAN = "ban";
    /** Membership {@code knock}. */
    public static final String KNOCK = "knock";

    private EventTypes() {
    }
}
