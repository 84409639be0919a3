package io.myelin.api.roomserver;

/**
 * A looked-up event.
 *
 * @param event the event, or null when unknown
 */
public record EventResponse(RoomEvent event) {
}
