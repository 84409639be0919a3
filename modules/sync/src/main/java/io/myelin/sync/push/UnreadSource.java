package io.myelin.sync.push;

import java.util.List;

import io.myelin.sync.stream.SyncQuery;
import io.myelin.sync.stream.SyncResult;
import io.myelin.sync.stream.SyncSource;

/**
 * Adds {@code unread_notifications} to the joined rooms the other sources put in a response. It has no position
 * of its own: counts change with events and receipts, which bring their room into the response anyway.
 */
public final class UnreadSource implements SyncSource {

    private final Unread unread;

    /**
     * @param unread the notification counts
     */
    public UnreadSource(Unread unread) {
        this.unread = unread;
    }

    @Override
    public String key() {
        return null;
    }

    @Override
    public long position() {
        return 0;
    }

    @Override
    public void collect(SyncQuery query, long since, long upTo, SyncResult result) {
        if (result.joinedRoomIds().isEmpty()) {
            return;
        }
        // Rooms without unread events keep the response's default of zero.
        unread.report(query, result, List.copyOf(result.joinedRoomIds()), false);
    }
}
