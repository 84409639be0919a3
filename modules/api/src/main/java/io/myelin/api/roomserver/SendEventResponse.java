package io.myelin.api.roomserver;

/**
 * A sent event.
 *
 * @param eventId the event id
 */
public record SendEventResponse(String eventId) {
}
