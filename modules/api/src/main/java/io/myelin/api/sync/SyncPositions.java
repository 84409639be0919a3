package io.myelin.api.sync;

/**
 * Points of a room's history named by the tokens the sync component hands out: a {@code next_batch} of
 * {@code /sync} or a {@code start}/{@code end} of {@code /messages}. Provided by the sync component, so that an
 * endpoint such as {@code GET /rooms/{roomId}/members?at=} takes the token a client has.
 */
public interface SyncPositions {

    /**
     * The room's newest event at a token.
     *
     * @param request the room and the token
     * @return the event, or none when the room had no event there yet
     * @throws io.myelin.api.http.MatrixException {@code M_INVALID_PARAM} when the token is not one of this server
     */
    EventAtResponse eventAt(EventAtRequest request);

    /**
     * @param roomId the room
     * @param token  a sync or pagination token
     */
    record EventAtRequest(String roomId, String token) {
    }

    /**
     * @param eventId the room's newest event at the token, or null when there was none
     */
    record EventAtResponse(String eventId) {
    }
}
