package io.myelin.bus.embedded;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

import io.myelin.api.bus.BusException;
import io.myelin.api.storage.Database;

/**
 * Writes the embedded log with group commit: one thread takes every publish and acknowledgement waiting
 * at that moment and stores them in one transaction, then answers each caller.
 *
 * <p>Every caller still returns only after its own write committed, so durability is the same as one
 * transaction per call; but concurrent publishers and consumers share one commit (one disk flush), which
 * is what bounds throughput on both SQLite and PostgreSQL. Being the log's only writer also makes sequence
 * numbers commit in order without any lock in the database.
 */
final class LogWriter {

    private static final System.Logger LOG = System.getLogger(LogWriter.class.getName());
    private static final int MAX_BATCH = 512;

    private static final String ADD_ACK =
            "INSERT INTO bus_acks (stream, durable, seq) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";
    private static final String MOVE_FLOOR = "UPDATE bus_consumers SET ack_floor = ? WHERE stream = ? AND durable = ?";
    private static final String DROP_ACKS = "DELETE FROM bus_acks WHERE stream = ? AND durable = ? AND seq <= ?";

    /** A write waiting for the next transaction. */
    private sealed interface Op permits Append, Ack, Stop {
    }

    private record Append(StreamState state, String subject, byte[] payload, CompletableFuture<Long> done)
            implements Op {
    }

    private record Ack(EmbeddedSubscription consumer, long seq, boolean stored, CompletableFuture<Void> done)
            implements Op {
    }

    private record Stop() implements Op {
    }

    private final Database database;
    private final Consumer<StreamState> afterAcks;
    private final LinkedBlockingQueue<Op> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean stopped;

    /**
     * Starts the writer.
     *
     * @param database  the database
     * @param afterAcks called on the writer thread for each stream whose consumers acknowledged something,
     *                  after the commit (to prune the log)
     */
    LogWriter(Database database, Consumer<StreamState> afterAcks) {
        this.database = database;
        this.afterAcks = afterAcks;
        this.thread = Thread.ofVirtual().name("bus-log-writer").start(this::run);
    }

    /**
     * Appends a message and waits for the commit.
     *
     * @return its sequence number
     */
    long append(StreamState state, String subject, byte[] payload) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        enqueue(new Append(state, subject, payload, done));
        return await(done);
    }

    /**
     * Stores a consumer's acknowledgement and waits for the commit.
     *
     * @param consumer the consumer
     * @param seq      the acknowledged sequence number
     * @param stored   true when a committed transaction already stored it in {@code bus_acks}; the writer
     *                 then only moves the floor
     */
    void ack(EmbeddedSubscription consumer, long seq, boolean stored) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        enqueue(new Ack(consumer, seq, stored, done));
        await(done);
    }

    /**
     * Finishes the writes already queued and stops.
     */
    void stop() {
        stopped = true;
        queue.add(new Stop());
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void enqueue(Op op) {
        if (stopped) {
            throw new BusException("the bus is closed");
        }
        queue.add(op);
    }

    private static <T> T await(CompletableFuture<T> done) {
        try {
            return done.get();
        } catch (InterruptedException e) {
            // The write may still commit; the caller learns only that it did not wait for it.
            Thread.currentThread().interrupt();
            throw new BusException("interrupted while waiting for the bus log", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof BusException be ? be
                    : new BusException("cannot write the bus log", e.getCause());
        }
    }

    private void run() {
        List<Op> batch = new ArrayList<>();
        while (true) {
            batch.clear();
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            boolean stop = batch.removeIf(op -> op instanceof Stop);
            if (!batch.isEmpty()) {
                write(batch);
            }
            if (stop) {
                List<Op> rest = new ArrayList<>();
                queue.drainTo(rest);
                if (!rest.isEmpty()) {
                    write(rest);
                }
                return;
            }
        }
    }

    /**
     * Stores one batch in one transaction; on success updates the in-memory state and answers every
     * caller, on failure fails every caller and changes nothing.
     */
    private void write(List<Op> batch) {
        Map<StreamState, Long> last = new LinkedHashMap<>();
        Map<Append, Long> sequences = new IdentityHashMap<>();
        Map<EmbeddedSubscription, EmbeddedSubscription.AckPlan> plans = new LinkedHashMap<>();
        try {
            database.write(tx -> {
                for (Op op : batch) {
                    switch (op) {
                        case Append a -> {
                            long seq = EmbeddedBus.append(tx, a.state().stream, a.subject(), a.payload());
                            last.put(a.state(), seq);
                            sequences.put(a, seq);
                        }
                        case Ack k -> {
                            EmbeddedSubscription.AckPlan plan = plans.computeIfAbsent(k.consumer(),
                                    EmbeddedSubscription::plan);
                            plan.add(k.seq(), k.stored());
                        }
                        case Stop s -> {
                        }
                    }
                }
                for (EmbeddedSubscription.AckPlan plan : plans.values()) {
                    String stream = plan.consumer().stream();
                    String durable = plan.consumer().durable();
                    TreeSet<Long> rows = plan.newRows();
                    for (long seq : rows.tailSet(plan.floor(), false)) {
                        tx.insert(ADD_ACK, stream, durable, seq);
                    }
                    if (plan.floorMoved()) {
                        tx.dml(MOVE_FLOOR, plan.floor(), stream, durable);
                        tx.delete(DROP_ACKS, stream, durable, plan.floor());
                    }
                }
                return null;
            });
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "bus: a write of " + batch.size() + " message(s) and"
                    + " acknowledgement(s) failed; the callers are told", e);
            BusException failure = new BusException("cannot write the bus log", e);
            for (Op op : batch) {
                switch (op) {
                    case Append a -> a.done().completeExceptionally(failure);
                    case Ack k -> k.done().completeExceptionally(failure);
                    case Stop s -> {
                    }
                }
            }
            return;
        }
        last.forEach(StreamState::committed);
        plans.values().forEach(EmbeddedSubscription.AckPlan::apply);
        plans.keySet().stream().map(EmbeddedSubscription::state).distinct().forEach(afterAcks);
        for (Op op : batch) {
            switch (op) {
                case Append a -> a.done().complete(sequences.get(a));
                case Ack k -> k.done().complete(null);
                case Stop s -> {
                }
            }
        }
    }
}
