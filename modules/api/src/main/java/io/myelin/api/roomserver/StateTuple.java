package io.myelin.api.roomserver;

/**
 * The key of one entry of room state, or of every entry of a type.
 *
 * @param type     the event type
 * @param stateKey the state key, or null for every state key of the type (in a {@link StateRequest})
 */
public record StateTuple(String type, String stateKey) {
}
