package io.myelin.bus.embedded;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import io.helidon.dbclient.DbRow;
import io.myelin.api.bus.BusException;
import io.myelin.api.bus.MessageHandler;
import io.myelin.api.bus.Subscription;
import io.myelin.bus.dispatch.Envelope;
import io.myelin.bus.dispatch.SubjectDispatcher;

/**
 * A durable consumer of the embedded log: a reader thread that walks the stream's rows in sequence order
 * and feeds a {@link SubjectDispatcher}, and the consumer's acknowledgement floor and the
 * acknowledgements above it.
 *
 * <p>The reader reads at most as many rows as the dispatcher has room for ({@code bus.max_in_flight}), so
 * a consumer that falls behind holds a bounded number of messages in memory; the rest wait in the
 * database, and their publishers wait for room.
 */
final class EmbeddedSubscription implements Subscription {

    private static final System.Logger LOG = System.getLogger(EmbeddedSubscription.class.getName());
    private static final int PAGE = 100;
    /** How long an idle reader waits for a publish signal before it looks at the table anyway. */
    private static final Duration IDLE = Duration.ofSeconds(1);

    private static final String CONSUMER = "SELECT ack_floor FROM bus_consumers WHERE stream = ? AND durable = ?";
    private static final String MIN_FLOOR = "SELECT MIN(ack_floor) AS floor FROM bus_consumers WHERE stream = ?";
    private static final String ADD_CONSUMER =
            "INSERT INTO bus_consumers (stream, durable, ack_floor) VALUES (?, ?, ?)";
    private static final String ADD_ACK =
            "INSERT INTO bus_acks (stream, durable, seq) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";
    private static final String ACKS = "SELECT seq FROM bus_acks WHERE stream = ? AND durable = ? AND seq > ?";
    private static final String READ = "SELECT seq, subject, payload FROM bus_messages"
            + " WHERE stream = ? AND seq > ? ORDER BY seq LIMIT ?";

    private final EmbeddedBus bus;
    private final StreamState state;
    private final String stream;
    private final String durable;
    private final SubjectDispatcher dispatcher;
    private final Object ackLock = new Object();
    /** Acknowledged sequence numbers above the floor; guarded by ackLock. */
    private final TreeSet<Long> acked = new TreeSet<>();
    private long floor;
    private volatile boolean running = true;
    /** Set once the dispatcher has drained: from then on a later subscription owns the floor. */
    private volatile boolean closed;
    private Thread reader;

    EmbeddedSubscription(EmbeddedBus bus, StreamState state, String durable, Duration ackTimeout,
                         MessageHandler handler) {
        this.bus = bus;
        this.state = state;
        this.stream = state.stream;
        this.durable = durable;
        this.dispatcher = new SubjectDispatcher(stream, durable, handler, ackTimeout, bus.settings().nakDelay(),
                bus.settings().maxInFlight());
    }

    String key() {
        return stream + "/" + durable;
    }

    void start() {
        long last;
        boolean alone;
        state.lock.lock();
        try {
            last = state.lastSeq;
            alone = state.floors.isEmpty();
        } finally {
            state.lock.unlock();
        }
        // No lock is held while waiting for the database: the log writer takes the stream lock after its
        // commits. A publish that commits meanwhile is at worst delivered to the new consumer too.
        long start = bus.database().write(tx -> {
            Optional<DbRow> row = tx.get(CONSUMER, stream, durable);
            if (row.isPresent()) {
                return EmbeddedBus.number(row.get(), "ack_floor");
            }
            // A new consumer starts after what the stream no longer keeps for anyone else.
            long first = tx.get(MIN_FLOOR, stream)
                    .flatMap(r -> r.column("floor").asOptional())
                    .map(v -> ((Number) v).longValue())
                    .orElse(last);
            long initial = alone ? last : Math.min(first, last);
            tx.insert(ADD_CONSUMER, stream, durable, initial);
            return initial;
        });
        List<Long> above;
        try (var rows = bus.database().client().execute().query(ACKS, stream, durable, start)) {
            above = rows.map(r -> EmbeddedBus.number(r, "seq")).toList();
        }
        synchronized (ackLock) {
            floor = start;
            acked.addAll(above);
        }
        state.lock.lock();
        try {
            state.floors.put(durable, start);
        } finally {
            state.lock.unlock();
        }
        reader = Thread.ofVirtual().name("bus-reader-" + stream + "-" + durable).start(this::read);
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        state.lock.lock();
        try {
            state.published.signalAll();
        } finally {
            state.lock.unlock();
        }
        // The reader is not interrupted: that would break the database connection under a running query.
        // Closing the dispatcher wakes it if it waits for room, and it submits nothing more.
        dispatcher.close(bus.settings().drainTimeout());
        closed = true;
        try {
            reader.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        bus.forget(this);
    }

    private void read() {
        long cursor;
        synchronized (ackLock) {
            cursor = floor;
        }
        while (running && !bus.closed()) {
            try {
                int room = dispatcher.awaitCapacity();
                if (room == 0) {
                    return;
                }
                List<Row> page = page(cursor, Math.min(room, PAGE));
                for (Row row : page) {
                    cursor = row.seq;
                    if (isAcked(row.seq)) {
                        continue;
                    }
                    if (!dispatcher.submit(row)) {
                        return;
                    }
                }
                if (page.isEmpty()) {
                    idle(cursor);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.log(System.Logger.Level.WARNING, "bus: reading " + stream + " for " + durable
                        + " failed; retrying", e);
                try {
                    Thread.sleep(IDLE);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private List<Row> page(long after, int limit) {
        try (var rows = bus.database().client().execute().query(READ, stream, after, limit)) {
            return rows.map(r -> new Row(EmbeddedBus.number(r, "seq"), r.column("subject").get(String.class),
                    (byte[]) r.column("payload").get())).toList();
        }
    }

    /**
     * Waits for a publish past {@code cursor}.
     */
    private void idle(long cursor) throws InterruptedException {
        state.lock.lock();
        try {
            if (state.lastSeq <= cursor && running) {
                state.published.await(IDLE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            state.lock.unlock();
        }
    }

    private boolean isAcked(long seq) {
        synchronized (ackLock) {
            return seq <= floor || acked.contains(seq);
        }
    }

    String stream() {
        return stream;
    }

    String durable() {
        return durable;
    }

    StreamState state() {
        return state;
    }

    /**
     * Starts planning the writer's next batch of this consumer's acknowledgements. Only the writer calls
     * this and {@link AckPlan#apply()}, so plans never overlap.
     */
    AckPlan plan() {
        synchronized (ackLock) {
            return new AckPlan(this, floor, new TreeSet<>(acked));
        }
    }

    private void applied(long newFloor, TreeSet<Long> newAcked) {
        synchronized (ackLock) {
            floor = newFloor;
            acked.clear();
            acked.addAll(newAcked);
        }
        state.lock.lock();
        try {
            Long previous = state.floors.get(durable);
            if (previous == null || previous < newFloor) {
                state.floors.put(durable, newFloor);
                state.roomy.signalAll();
            }
        } finally {
            state.lock.unlock();
        }
    }

    /**
     * A consumer's acknowledgements within one write: moves the floor over every acknowledgement that
     * follows it without a gap, and keeps the others as rows above the floor.
     */
    static final class AckPlan {
        private final EmbeddedSubscription consumer;
        private final TreeSet<Long> acked;
        private final TreeSet<Long> newRows = new TreeSet<>();
        private long floor;
        private boolean floorMoved;

        AckPlan(EmbeddedSubscription consumer, long floor, TreeSet<Long> acked) {
            this.consumer = consumer;
            this.floor = floor;
            this.acked = acked;
        }

        void add(long seq, boolean stored) {
            if (seq <= floor || acked.contains(seq)) {
                return;
            }
            if (seq == floor + 1) {
                floor = seq;
                while (acked.remove(floor + 1)) {
                    floor++;
                }
                floorMoved = true;
            } else {
                acked.add(seq);
                if (!stored) {
                    newRows.add(seq);
                }
            }
        }

        EmbeddedSubscription consumer() {
            return consumer;
        }

        long floor() {
            return floor;
        }

        boolean floorMoved() {
            return floorMoved;
        }

        TreeSet<Long> newRows() {
            return newRows;
        }

        void apply() {
            consumer.applied(floor, acked);
        }
    }

    /**
     * A row of the log as the dispatcher sees it.
     */
    private final class Row implements Envelope {
        private final long seq;
        private final String subject;
        private final byte[] payload;

        Row(long seq, String subject, byte[] payload) {
            this.seq = seq;
            this.subject = subject;
            this.payload = payload;
        }

        @Override
        public String subject() {
            return subject;
        }

        @Override
        public long sequence() {
            return seq;
        }

        @Override
        public int deliveries() {
            return 1;
        }

        @Override
        public byte[] payload() {
            return payload;
        }

        @Override
        public void acknowledge(Runnable whenDurable) {
            if (closed) {
                // A later subscription of this durable owns the floor now and delivers the message again.
                throw new BusException("the subscription of " + durable + " on " + stream + " is closed");
            }
            if (!bus.insideWrite()) {
                bus.writer().ack(EmbeddedSubscription.this, seq, false);
                whenDurable.run();
                return;
            }
            // The handler acknowledges inside its own database write: the acknowledgement becomes part of
            // that transaction, so the handler's effects and the acknowledgement commit together.
            if (!isAcked(seq)) {
                bus.database().write(tx -> tx.insert(ADD_ACK, stream, durable, seq));
            }
            bus.database().afterCommit(() -> {
                bus.writer().ack(EmbeddedSubscription.this, seq, true);
                whenDurable.run();
            });
        }

        @Override
        public void release() {
            // Nothing to do: an unacknowledged row stays above the floor and is read again next time.
        }
    }
}
