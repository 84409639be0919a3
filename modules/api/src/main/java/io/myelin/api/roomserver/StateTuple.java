package io.myelin.api.roomserver;

/**
 * The key of one entry of room state.
 *
 * @param type     the event type
 * @param stateKey the state key
 */
public record StateTuple(String type, String stateKey) {
}
