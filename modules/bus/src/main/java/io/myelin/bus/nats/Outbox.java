package io.myelin.bus.nats;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.myelin.api.storage.Database;

/**
 * The table {@code bus_outbox}: messages the NATS bus was given inside a database write, stored in that write
 * and sent to JetStream after it committed.
 *
 * <pre>
 * bus_outbox (id      -- rises with every row, never reused: the order rows are sent in at start
 *             msg_id  -- the JetStream message id (Nats-Msg-Id), random
 *             stream, subject, payload)
 * </pre>
 *
 * <p>A row lives from the commit of its write until JetStream stored the message. Sent rows are deleted by a
 * thread of their own, many in one write, so that a message costs the database one insert and a share of a
 * delete. A row whose delete was lost to a crash is sent again at the next start with its message id, and
 * JetStream drops that second copy when it comes within the stream's duplicate window.
 */
final class Outbox {

    private static final System.Logger LOG = System.getLogger(Outbox.class.getName());
    private static final int MAX_DELETES = 512;
    /** Tells the deleting thread to stop; no row has this id. */
    private static final long STOP = -1;

    private static final String ADD =
            "INSERT INTO bus_outbox (msg_id, stream, subject, payload) VALUES (?, ?, ?, ?) RETURNING id";
    private static final String LEFT = "SELECT id, msg_id, stream, subject, payload FROM bus_outbox"
            + " WHERE id > ? ORDER BY id LIMIT ?";
    private static final String DELETE = "DELETE FROM bus_outbox WHERE id = ?";

    /**
     * One message waiting to be sent.
     *
     * @param id      the row id
     * @param msgId   the JetStream message id
     * @param stream  the bus stream
     * @param subject the subject
     * @param payload the body
     */
    record Row(long id, String msgId, String stream, String subject, byte[] payload) {
    }

    private final Database database;
    private final LinkedBlockingQueue<Long> sent = new LinkedBlockingQueue<>();
    private final Thread deleter;

    Outbox(Database database) {
        this.database = database;
        this.deleter = Thread.ofVirtual().name("bus-nats-outbox").start(this::deleteSent);
    }

    /**
     * Stores a message in a transaction.
     *
     * @param tx the caller's transaction
     * @return the row
     */
    Row add(DbExecute tx, String stream, String subject, byte[] payload) {
        String msgId = UUID.randomUUID().toString();
        DbRow row = tx.get(ADD, msgId, stream, subject, payload).orElseThrow();
        return new Row(((Number) row.column("id").get()).longValue(), msgId, stream, subject, payload);
    }

    /**
     * Rows left from before, in the order they were stored.
     *
     * @param after the id to read after, 0 for the first page
     * @param limit the most rows to read
     * @return the rows
     */
    List<Row> left(long after, int limit) {
        try (var rows = database.client().execute().query(LEFT, after, limit)) {
            return rows.map(r -> new Row(((Number) r.column("id").get()).longValue(),
                    r.column("msg_id").get(String.class), r.column("stream").get(String.class),
                    r.column("subject").get(String.class), (byte[]) r.column("payload").get())).toList();
        }
    }

    /**
     * Marks a row sent: it is deleted soon, by the deleting thread.
     *
     * @param id the row id
     */
    void sent(long id) {
        sent.add(id);
    }

    /**
     * Deletes what is marked sent and stops the deleting thread.
     */
    void close() {
        sent.add(STOP);
        try {
            deleter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deleteSent() {
        List<Long> batch = new ArrayList<>();
        while (true) {
            batch.clear();
            try {
                batch.add(sent.take());
            } catch (InterruptedException e) {
                return;
            }
            sent.drainTo(batch, MAX_DELETES - 1);
            boolean stop = batch.remove(Long.valueOf(STOP));
            if (!batch.isEmpty()) {
                delete(batch);
            }
            if (stop) {
                List<Long> rest = new ArrayList<>();
                sent.drainTo(rest);
                rest.remove(Long.valueOf(STOP));
                if (!rest.isEmpty()) {
                    delete(rest);
                }
                return;
            }
        }
    }

    private void delete(List<Long> ids) {
        try {
            database.write(tx -> {
                for (long id : ids) {
                    tx.delete(DELETE, id);
                }
                return null;
            });
        } catch (RuntimeException e) {
            // They are sent again at the next start, and JetStream drops them within its duplicate window.
            LOG.log(System.Logger.Level.WARNING, "bus: could not delete " + ids.size() + " sent outbox row(s)", e);
        }
    }
}
