package io.myelin.sync.stream;

/**
 * One kind of data {@code /sync} returns, with its own stream position: room events, account data, typing,
 * receipts, presence, to-device messages, device lists. Each source keeps what it needs in the sync
 * component's own tables (prefix {@code sync_}), fed by its bus consumers or endpoints, and calls the
 * {@link Notifier} after each commit.
 *
 * <p>{@code /sync} reads every source's {@link #position()} first, then asks each, in registration order, to
 * {@link #collect} what lies between the client's {@code since} and that position. A source without a
 * {@link #key()} has no position of its own and only adds to what others collected (for example
 * notification counts for the rooms in the response); it runs after the sources with positions.
 */
public interface SyncSource {

    /**
     * @return the source's part of the since token (one of {@link SyncToken#KEYS}), or null for a source with
     *         no position of its own
     */
    String key();

    /**
     * @return the newest committed position; 0 when nothing happened yet. Positions only grow.
     */
    long position();

    /**
     * Adds to the response what the user should see from this source after {@code since} up to and
     * including {@code upTo}.
     *
     * @param query  who is syncing, with what filter, in which rooms
     * @param since  the position the client has; 0 for an initial sync ({@link SyncQuery#initial()}, which
     *               gets the whole current picture, not the history), but 0 is also an incremental sync's
     *               position when the source had nothing yet, so tell the two apart by the query, not by 0
     * @param upTo   the position the response stands at, read before collecting
     * @param result where the response's parts go
     */
    void collect(SyncQuery query, long since, long upTo, SyncResult result);
}
