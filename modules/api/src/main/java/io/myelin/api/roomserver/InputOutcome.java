package io.myelin.api.roomserver;

/**
 * What became of one input event.
 *
 * @param eventId the event id, or null when the event could not even be parsed
 * @param status  {@code accepted}, {@code rejected} (failed authorization; stored as rejected),
 *                {@code soft_failed} (stored, hidden from clients), or {@code invalid} (dropped)
 * @param reason  why it was not accepted, for logs; null when accepted
 */
public record InputOutcome(String eventId, String status, String reason) {

    /** An accepted event. */
    public static final String ACCEPTED = "accepted";
    /** An event that failed the authorization rules. */
    public static final String REJECTED = "rejected";
    /** An event that fails against current state though its own auth events allow it. */
    public static final String SOFT_FAILED = "soft_failed";
    /** An event that was dropped: malformed, of an unknown room, or failing to store. */
    public static final String INVALID = "invalid";
}
