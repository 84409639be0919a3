package io.myelin.sync.rooms;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads runs of a room's events between two positions that pass a filter and the reader's history
 * visibility, scanning in batches so that filtered-out events do not shorten a page. A read examines a bounded
 * number of events; when a filter or the visibility rules skip that many, the run ends early with
 * {@code more} set, so the client pages on from the boundary instead of the server scanning a whole room.
 */
public final class Timelines {

    private static final int MIN_SCAN = 500;

    private Timelines() {
    }

    private static int scanLimit(int limit) {
        return Math.max(MIN_SCAN, limit * 10);
    }

    /**
     * A run of events.
     *
     * @param events   the events, in the order asked
     * @param more     whether further matching events lie beyond the run in the direction read
     * @param boundary the position the read stopped at: for a backward read, the position just below the last
     *                 event examined; for a forward read, the last position examined
     */
    public record Run(List<StreamEvent> events, boolean more, long boundary) {
    }

    /** Where runs read a room's events from: {@link RoomStore#range}, or pages read ahead for many rooms. */
    @FunctionalInterface
    interface Ranges {
        List<StreamEvent> range(String roomId, long after, long upTo, boolean descending, int limit);
    }

    /**
     * @param limit the most events of a run
     * @return how many events a run reads at a time
     */
    static int batch(int limit) {
        return Math.max(20, limit * 2 + 1);
    }

    /**
     * Reads the newest matching events in {@code (after, upTo]}, newest first.
     *
     * @param store      the tables
     * @param roomId     the room
     * @param after      the exclusive lower bound
     * @param upTo       the inclusive upper bound
     * @param limit      the most events
     * @param filter     the event filter
     * @param visibility the reader's history visibility
     * @return the run, newest first
     */
    public static Run backward(RoomStore store, String roomId, long after, long upTo, int limit, EventFilter filter,
                               HistoryVisibility visibility) {
        return backward(store::range, roomId, after, upTo, limit, filter, visibility);
    }

    static Run backward(Ranges store, String roomId, long after, long upTo, int limit, EventFilter filter,
                        HistoryVisibility visibility) {
        List<StreamEvent> picked = new ArrayList<>();
        long cursor = upTo;
        int batch = batch(limit);
        int budget = scanLimit(limit);
        while (cursor > after) {
            if (budget <= 0) {
                return new Run(picked, true, cursor);
            }
            List<StreamEvent> rows = store.range(roomId, after, cursor, true, batch);
            budget -= rows.size();
            for (StreamEvent event : rows) {
                if (filter.matches(event) && visibility.canSee(event)) {
                    if (picked.size() == limit) {
                        return new Run(picked, true, cursor);
                    }
                    picked.add(event);
                }
                cursor = event.pos() - 1;
            }
            if (rows.size() < batch) {
                cursor = after;
            }
        }
        return new Run(picked, false, cursor);
    }

    /**
     * Reads the oldest matching events in {@code (after, upTo]}, oldest first.
     *
     * @param store      the tables
     * @param roomId     the room
     * @param after      the exclusive lower bound
     * @param upTo       the inclusive upper bound
     * @param limit      the most events
     * @param filter     the event filter
     * @param visibility the reader's history visibility
     * @return the run, oldest first
     */
    public static Run forward(RoomStore store, String roomId, long after, long upTo, int limit, EventFilter filter,
                              HistoryVisibility visibility) {
        List<StreamEvent> picked = new ArrayList<>();
        long cursor = after;
        int batch = batch(limit);
        int budget = scanLimit(limit);
        while (cursor < upTo) {
            if (budget <= 0) {
                return new Run(picked, true, cursor);
            }
            List<StreamEvent> rows = store.range(roomId, cursor, upTo, false, batch);
            budget -= rows.size();
            for (StreamEvent event : rows) {
                if (filter.matches(event) && visibility.canSee(event)) {
                    if (picked.size() == limit) {
                        return new Run(picked, true, cursor);
                    }
                    picked.add(event);
                }
                cursor = event.pos();
            }
            if (rows.size() < batch) {
                cursor = upTo;
            }
        }
        return new Run(picked, false, cursor);
    }

    /**
     * @param run a backward run
     * @return its events oldest first
     */
    public static List<StreamEvent> oldestFirst(Run run) {
        List<StreamEvent> events = new ArrayList<>(run.events());
        Collections.reverse(events);
        return events;
    }
}
