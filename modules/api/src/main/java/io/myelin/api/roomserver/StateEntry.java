package io.myelin.api.roomserver;

/**
 * One entry of room state, by id.
 *
 * @param type     the event type
 * @param stateKey the state key
 * @param eventId  the state event
 */
public record StateEntry(String type, String stateKey, String eventId) {
}
