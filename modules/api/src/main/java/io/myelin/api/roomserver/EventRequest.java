package io.myelin.api.roomserver;

/**
 * An event to look up.
 *
 * @param eventId the event id
 */
public record EventRequest(String eventId) {
}
