package io.myelin.api.roomserver;

import java.util.List;

/**
 * A room's forward extremities.
 *
 * @param eventIds the events no other event of the room names as previous
 * @param depth    the greatest depth among them
 */
public record LatestEventsResponse(List<String> eventIds, long depth) {
}
