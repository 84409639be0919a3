package io.myelin.bus.embedded;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.myelin.api.bus.BusException;
import io.myelin.api.bus.MessageHandler;
import io.myelin.api.bus.Subscription;
import io.myelin.api.storage.Database;
import io.myelin.bus.BusSchema;
import io.myelin.bus.BusSettings;
import io.myelin.bus.dispatch.ManagedBus;

/**
 * The bus as a durable log in the server's own database, dispatched in process.
 *
 * <p>{@link #publish} appends a row to {@code bus_messages} and returns once it is committed. All writes
 * go through one {@link LogWriter}, which commits whatever is waiting in one transaction (group commit)
 * and hands out sequence numbers in commit order, so that a reader never passes a message that commits
 * later; {@code bus_streams} remembers each stream's last sequence number. Each durable consumer
 * keeps an acknowledgement floor in {@code bus_consumers} (everything up to it is acknowledged) and the
 * acknowledgements above it in {@code bus_acks}; both are written before {@code ack()} returns. After a
 * restart a consumer reads again from its floor, skipping what {@code bus_acks} lists: nothing
 * acknowledged is delivered again and nothing unacknowledged is lost (a message redelivered after a
 * restart counts its deliveries from 1 again). Rows every consumer has passed are deleted.
 *
 * <p>Back-pressure: a publisher blocks while its stream holds {@code bus.max_pending} messages not
 * acknowledged by all of the stream's durable consumers, open or not. A publish inside a write never blocks
 * there, since the write may hold SQLite's only writer, which consumers need before they can acknowledge:
 * it waits after the commit instead, so the stream may exceed its limit by the messages of the writes in
 * progress. One process owns the log: two servers must not share an embedded bus.
 */
public final class EmbeddedBus implements ManagedBus {

    private static final System.Logger LOG = System.getLogger(EmbeddedBus.class.getName());

    private static final String BUMP =
            "UPDATE bus_streams SET last_seq = last_seq + 1 WHERE stream = ? RETURNING last_seq";
    private static final String APPEND =
            "INSERT INTO bus_messages (stream, seq, subject, payload) VALUES (?, ?, ?, ?)";
    private static final String LAST = "SELECT last_seq FROM bus_streams WHERE stream = ?";
    private static final String ADD_STREAM =
            "INSERT INTO bus_streams (stream, last_seq) VALUES (?, 0) ON CONFLICT DO NOTHING";
    private static final String FLOORS = "SELECT durable, ack_floor FROM bus_consumers WHERE stream = ?";
    private static final String PRUNE = "DELETE FROM bus_messages WHERE stream = ? AND seq <= ?";
    /** Rows are deleted in batches of at least this many, so that pruning costs little per message. */
    private static final long PRUNE_BATCH = 64;

    private final Database database;
    private final BusSettings settings;
    private final Map<String, StreamState> streams = new ConcurrentHashMap<>();
    private final Map<String, EmbeddedSubscription> subscriptions = new ConcurrentHashMap<>();
    private final AtomicLong publisherWaits = new AtomicLong();
    private final LogWriter writer;
    private volatile boolean closed;

    private EmbeddedBus(Database database, BusSettings settings) {
        this.database = database;
        this.settings = settings;
        this.writer = new LogWriter(database, this::prune);
    }

    /**
     * Applies the bus migrations and opens the log.
     *
     * @param database the server's database
     * @param settings the bus settings
     * @return the bus
     */
    public static EmbeddedBus open(Database database, BusSettings settings) {
        database.migrate(BusSchema.MIGRATIONS);
        return new EmbeddedBus(database, settings);
    }

    @Override
    public String description() {
        return "the embedded log in the " + database.dialect().folder() + " database";
    }

    @Override
    public long publish(String stream, String subject, byte[] payload) {
        StreamState state = state(stream);
        boolean inside = insideWrite();
        if (inside) {
            take(state);
        } else {
            reserve(state);
        }
        try {
            if (!inside) {
                return writer.append(state, subject, payload);
            }
            // Published inside the caller's own write: the message is part of that transaction, exists only
            // if it commits, and reaches consumers after the commit. The caller may hold the database's only
            // writer, which consumers need to acknowledge: it waits for room after the commit instead.
            long seq = database.write(tx -> append(tx, stream, subject, payload));
            database.afterCommit(() -> {
                state.committed(seq);
                awaitRoom(state);
            });
            return seq;
        } catch (BusException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new BusException("cannot store a message on " + stream, e);
        } finally {
            state.lock.lock();
            try {
                state.reserved--;
            } finally {
                state.lock.unlock();
            }
        }
    }

    @Override
    public Subscription subscribe(String stream, String durable, Duration ackTimeout, MessageHandler handler) {
        BusSettings.checkName("durable", durable);
        if (closed) {
            throw new BusException("the bus is closed");
        }
        StreamState state = state(stream);
        String key = stream + "/" + durable;
        EmbeddedSubscription subscription = new EmbeddedSubscription(this, state, durable, ackTimeout, handler);
        if (subscriptions.putIfAbsent(key, subscription) != null) {
            throw new IllegalStateException("consumer " + key + " is already subscribed");
        }
        try {
            subscription.start();
        } catch (RuntimeException e) {
            subscriptions.remove(key);
            throw e;
        }
        return subscription;
    }

    @Override
    public Subscription subscribe(String stream, String durable, MessageHandler handler) {
        return subscribe(stream, durable, settings.ackTimeout(), handler);
    }

    @Override
    public long publisherWaits() {
        return publisherWaits.get();
    }

    @Override
    public void close() {
        closed = true;
        ManagedBus.closeAll(subscriptions.values());
        for (StreamState state : streams.values()) {
            state.lock.lock();
            try {
                state.roomy.signalAll();
                state.published.signalAll();
            } finally {
                state.lock.unlock();
            }
        }
        writer.stop();
    }

    Database database() {
        return database;
    }

    LogWriter writer() {
        return writer;
    }

    BusSettings settings() {
        return settings;
    }

    boolean closed() {
        return closed;
    }

    void forget(EmbeddedSubscription subscription) {
        subscriptions.remove(subscription.key(), subscription);
    }

    /**
     * Deletes the rows every consumer has acknowledged, once enough have gathered. Runs on the writer.
     *
     * @param state the stream
     */
    private void prune(StreamState state) {
        long upTo;
        state.lock.lock();
        try {
            upTo = state.floors.isEmpty() ? state.lastSeq : state.minFloor();
            if (upTo - state.pruned < PRUNE_BATCH) {
                return;
            }
            state.pruned = upTo;
        } finally {
            state.lock.unlock();
        }
        try {
            database.write(tx -> tx.delete(PRUNE, state.stream, upTo));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "bus: could not delete acknowledged messages of " + state.stream
                    + "; retried after later acknowledgements", e);
            state.lock.lock();
            try {
                state.pruned = Math.min(state.pruned, upTo - PRUNE_BATCH);
            } finally {
                state.lock.unlock();
            }
        }
    }

    /**
     * Appends a message in a transaction: takes the stream's next sequence number (its row stays locked
     * until the commit, so a stream's messages commit in sequence order) and inserts the row.
     *
     * @return the sequence number
     */
    static long append(DbExecute tx, String stream, String subject, byte[] payload) {
        long seq = number(tx.get(BUMP, stream).orElseThrow(), "last_seq");
        tx.insert(APPEND, stream, seq, subject, payload);
        return seq;
    }

    /**
     * Whether this thread is inside a write of the database, found by asking to run a no-op after the
     * commit: outside a write it runs at once.
     */
    boolean insideWrite() {
        boolean[] ranAtOnce = {false};
        database.afterCommit(() -> ranAtOnce[0] = true);
        return !ranAtOnce[0];
    }

    static long number(DbRow row, String column) {
        return ((Number) row.column(column).get()).longValue();
    }

    /**
     * Waits until the stream has room, then reserves a place for one message.
     */
    private void reserve(StreamState state) {
        state.lock.lock();
        try {
            boolean counted = false;
            while (state.backlog() >= settings.maxPending()) {
                if (closed) {
                    throw new BusException("the bus is closed");
                }
                if (!counted) {
                    publisherWaits.incrementAndGet();
                    counted = true;
                }
                state.roomy.await();
            }
            if (closed) {
                throw new BusException("the bus is closed");
            }
            state.reserved++;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BusException("interrupted while waiting for consumers of " + state.stream, e);
        } finally {
            state.lock.unlock();
        }
    }

    /**
     * Reserves a place for one message without waiting, for a publish inside a write.
     */
    private void take(StreamState state) {
        state.lock.lock();
        try {
            if (closed) {
                throw new BusException("the bus is closed");
            }
            state.reserved++;
        } finally {
            state.lock.unlock();
        }
    }

    /**
     * After the commit of a write that published: waits, holding no writer, until the stream is below its
     * limit again, so that the publisher's next write waits for consumers as a publish outside a write would.
     * Returns early when the bus closes or the thread is interrupted (keeping the interrupt).
     */
    private void awaitRoom(StreamState state) {
        state.lock.lock();
        try {
            boolean counted = false;
            while (state.backlog() >= settings.maxPending() && !closed) {
                if (!counted) {
                    publisherWaits.incrementAndGet();
                    counted = true;
                }
                state.roomy.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            state.lock.unlock();
        }
    }

    private StreamState state(String stream) {
        BusSettings.checkName("stream", stream);
        StreamState existing = streams.get(stream);
        if (existing != null) {
            return existing;
        }
        return streams.computeIfAbsent(stream, this::load);
    }

    private StreamState load(String stream) {
        return database.write(tx -> {
            tx.dml(ADD_STREAM, stream);
            long last = number(tx.get(LAST, stream).orElseThrow(), "last_seq");
            StreamState state = new StreamState(stream, last);
            try (var rows = tx.query(FLOORS, stream)) {
                rows.forEach(row -> state.floors.put(row.column("durable").get(String.class), number(row,
                        "ack_floor")));
            }
            state.pruned = state.floors.isEmpty() ? last : state.minFloor();
            return state;
        });
    }
}
