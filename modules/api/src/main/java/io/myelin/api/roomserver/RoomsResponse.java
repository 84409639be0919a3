package io.myelin.api.roomserver;

import java.util.List;

/**
 * A page of the rooms the roomserver knows.
 *
 * @param roomIds the room ids, in ascending order; fewer than the limit on the last page
 */
public record RoomsResponse(List<String> roomIds) {
}
