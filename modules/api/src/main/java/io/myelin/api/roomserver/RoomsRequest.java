package io.myelin.api.roomserver;

/**
 * A page of the rooms the roomserver knows.
 *
 * @param after the last room id of the previous page, or null for the first page
 * @param limit how many rooms the page holds at most
 */
public record RoomsRequest(String after, int limit) {
}
