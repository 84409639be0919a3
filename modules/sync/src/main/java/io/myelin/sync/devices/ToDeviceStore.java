package io.myelin.sync.devices;

import java.io.StringReader;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.myelin.api.storage.Database;

import io.myelin.api.storage.Rows;
import io.myelin.protocol.json.JsonSupport;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

/**
 * The tables {@code sync_to_device} (each local device's inbox, one position per message) and
 * {@code sync_to_device_txns} (the transaction ids already handled, per sending device and event type). A
 * transaction id is remembered for a day: rows older than that are deleted by a send at most once an hour, so a
 * retry later than a day is delivered again.
 */
final class ToDeviceStore {

    /** How long a transaction id is remembered. */
    private static final long TXN_KEPT_MS = 24 * 60 * 60 * 1000L;
    private static final long PRUNE_EVERY_MS = 60 * 60 * 1000L;

    private static final String SELECT_TXN = "SELECT 1 AS n FROM sync_to_device_txns"
            + " WHERE user_id = ? AND device_id = ? AND type = ? AND txn_id = ?";
    private static final String INSERT_TXN = "INSERT INTO sync_to_device_txns (user_id, device_id, type, txn_id,"
            + " created_ts) VALUES (?, ?, ?, ?, ?)";
    private static final String DELETE_OLD_TXNS = "DELETE FROM sync_to_device_txns WHERE created_ts < ?";
    private static final String DELETE_DEVICE_TXNS = "DELETE FROM sync_to_device_txns"
            + " WHERE user_id = ? AND device_id = ?";
    private static final String INSERT_MESSAGE = "INSERT INTO sync_to_device (pos, user_id, device_id, sender,"
            + " type, content) VALUES (?, ?, ?, ?, ?, ?)";
    private static final String SELECT_PENDING = "SELECT pos, sender, type, content FROM sync_to_device"
            + " WHERE user_id = ? AND device_id = ? AND pos > ? AND pos <= ? ORDER BY pos LIMIT ?";
    private static final String SELECT_ACKNOWLEDGED = "SELECT pos FROM sync_to_device"
            + " WHERE user_id = ? AND device_id = ? AND pos <= ? LIMIT 1";
    private static final String DELETE_ACKNOWLEDGED = "DELETE FROM sync_to_device"
            + " WHERE user_id = ? AND device_id = ? AND pos <= ?";
    private static final String DELETE_DEVICE = "DELETE FROM sync_to_device WHERE user_id = ? AND device_id = ?";

    /**
     * A message for one local device.
     *
     * @param userId   the recipient
     * @param deviceId the recipient's device
     * @param content  the message content
     */
    record Delivery(String userId, String deviceId, JsonObject content) {
    }

    /**
     * A message waiting in an inbox.
     *
     * @param pos     its position
     * @param sender  who sent it
     * @param type    its event type
     * @param content its content
     */
    record Stored(long pos, String sender, String type, JsonObject content) {
    }

    private final Database db;
    private final StreamCounter counter;
    private final AtomicLong lastPrune = new AtomicLong();

    ToDeviceStore(Database db, StreamCounter counter) {
        this.db = db;
        this.counter = counter;
    }

    /**
     * Stores the messages of one request unless its transaction id was handled already for that event type, and
     * forgets transaction ids older than {@link #TXN_KEPT_MS} when it last did so more than an hour ago.
     *
     * @param sender       the sending user
     * @param senderDevice the sending device
     * @param txnId        the client's transaction id
     * @param type         the event type
     * @param deliveries   the messages for local devices
     * @param alsoInside   further work of the same transaction (announcing remote messages), run only for a
     *                     new transaction id
     * @return whether the transaction id was new
     */
    boolean send(String sender, String senderDevice, String txnId, String type, List<Delivery> deliveries,
                 Consumer<DbExecute> alsoInside) {
        long now = System.currentTimeMillis();
        long last = lastPrune.get();
        boolean prune = now - last >= PRUNE_EVERY_MS && lastPrune.compareAndSet(last, now);
        return counter.write((tx, positions) -> {
            if (prune) {
                tx.delete(DELETE_OLD_TXNS, now - TXN_KEPT_MS);
            }
            if (tx.get(SELECT_TXN, sender, senderDevice, type, txnId).isPresent()) {
                return false;
            }
            tx.insert(INSERT_TXN, sender, senderDevice, type, txnId, now);
            for (Delivery d : deliveries) {
                tx.insert(INSERT_MESSAGE, positions.next(), d.userId(), d.deviceId(), sender, type,
                        d.content().toString());
            }
            alsoInside.accept(tx);
            return true;
        });
    }

    /**
     * @param userId   the recipient
     * @param deviceId the device
     * @param after    the position the device has
     * @param upTo     the last position to read
     * @param limit    how many at most
     * @return the messages after {@code after} up to {@code upTo}, oldest first
     */
    List<Stored> pending(String userId, String deviceId, long after, long upTo, int limit) {
        try (Stream<DbRow> rows = db.client().execute().query(SELECT_PENDING, userId, deviceId, after, upTo, limit)) {
            return rows.map(r -> new Stored(Rows.number(r, "pos"), Rows.text(r, "sender"), Rows.text(r, "type"),
                    parse(Rows.text(r, "content")))).toList();
        }
    }

    /**
     * Deletes the messages the device has acknowledged by asking with a since at or past them; writes only when
     * there are some.
     *
     * @param userId   the recipient
     * @param deviceId the device
     * @param upTo     the position the device has
     */
    void acknowledge(String userId, String deviceId, long upTo) {
        if (db.client().execute().get(SELECT_ACKNOWLEDGED, userId, deviceId, upTo).isPresent()) {
            db.write(tx -> tx.delete(DELETE_ACKNOWLEDGED, userId, deviceId, upTo));
        }
    }

    /**
     * Empties a deleted device's inbox and forgets the transaction ids it sent.
     *
     * @param tx       the transaction
     * @param userId   the owner
     * @param deviceId the device
     */
    void deleteDevice(DbExecute tx, String userId, String deviceId) {
        tx.delete(DELETE_DEVICE, userId, deviceId);
        tx.delete(DELETE_DEVICE_TXNS, userId, deviceId);
    }

    private static JsonObject parse(String text) {
        try (JsonReader reader = JsonSupport.provider().createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }
}
