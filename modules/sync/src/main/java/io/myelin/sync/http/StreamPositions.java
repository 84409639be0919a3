package io.myelin.sync.http;

import java.util.List;

import io.myelin.api.sync.SyncPositions;
import io.myelin.sync.rooms.RoomStore;
import io.myelin.sync.rooms.StreamEvent;

/**
 * {@link SyncPositions} over the rooms stream: a token names a rooms position the way {@code /messages} reads it,
 * and the point it names is the room's newest event at or before that position.
 */
public final class StreamPositions implements SyncPositions {

    private final RoomStore store;

    /**
     * @param store the rooms stream's store
     */
    public StreamPositions(RoomStore store) {
        this.store = store;
    }

    @Override
    public EventAtResponse eventAt(EventAtRequest request) {
        long position = HistoryRoutes.position(request.token(), "at");
        List<StreamEvent> newest = store.range(request.roomId(), 0, position, true, 1);
        return new EventAtResponse(newest.isEmpty() ? null : newest.getFirst().eventId());
    }
}
