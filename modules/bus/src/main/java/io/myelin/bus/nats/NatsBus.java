package io.myelin.bus.nats;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.myelin.api.bus.BusException;
import io.myelin.api.bus.MessageHandler;
import io.myelin.api.bus.Streams;
import io.myelin.api.bus.Subscription;
import io.myelin.api.storage.Database;
import io.myelin.bus.BusSchema;
import io.myelin.bus.BusSettings;
import io.myelin.bus.NatsUrls;
import io.myelin.bus.dispatch.ManagedBus;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.PublishAck;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;

/**
 * The bus on NATS JetStream.
 *
 * <p>Each stream {@code S} is the JetStream stream {@code <prefix>S} over the subjects
 * {@code <prefix>.S.<token>}, where the token is the message's subject encoded by {@link SubjectTokens}.
 * Streams keep messages by interest: a message is removed once every durable consumer acknowledged it,
 * so the stream's message count is exactly what its consumers have not finished. The stream's
 * {@code max_msgs} is {@code bus.max_pending} with the "discard new" policy: when consumers fall that far
 * behind the broker refuses new messages, and {@link #publish} waits and retries with a growing pause
 * instead of failing. Publishers are thus slowed to the pace of the slowest consumer and the broker's
 * storage stays bounded.
 *
 * <p>A publish inside a {@link Database#write} does not reach the broker from inside the transaction: the
 * message is stored in the {@link Outbox} in that transaction and sent once it committed, on the publisher's
 * thread, before its write returns; so it exists only if the write commits, and a crash between the commit
 * and the send leaves it in the outbox, whose rows are sent first, in order, when the bus opens again. Such a
 * message carries its outbox row's message id ({@code Nats-Msg-Id}), with which the broker drops a second
 * copy sent within the stream's duplicate window (two minutes by default), should a crash come between the
 * send and the row's delete. The publisher waits for room in the stream after the commit, holding no
 * database writer, and waits out a broker it cannot reach the same way. Likewise an acknowledgement made
 * inside a write reaches the broker after the commit, and never if the write rolls back.
 *
 * <p>Streams of {@link Streams} are created or repaired when the bus opens, others on first use.
 */
public final class NatsBus implements ManagedBus {

    private static final System.Logger LOG = System.getLogger(NatsBus.class.getName());
    private static final List<String> KNOWN_STREAMS = List.of(Streams.INPUT_ROOM_EVENT, Streams.OUTPUT_ROOM_EVENT,
            Streams.OUTPUT_TYPING_EVENT, Streams.OUTPUT_RECEIPT_EVENT, Streams.OUTPUT_SEND_TO_DEVICE_EVENT,
            Streams.OUTPUT_KEY_CHANGE_EVENT, Streams.OUTPUT_CLIENT_DATA, Streams.OUTPUT_PRESENCE_EVENT,
            Streams.INPUT_DEVICE_LIST_UPDATE, Streams.INPUT_SIGNING_KEY_UPDATE);
    private static final Duration MAX_PAUSE = Duration.ofMillis(200);
    private static final int OUTBOX_PAGE = 100;

    private final Database database;
    private final Outbox outbox;
    private final BusSettings settings;
    private final Connection connection;
    private final JetStream jetStream;
    private final JetStreamManagement management;
    private final Set<String> ready = ConcurrentHashMap.newKeySet();
    private final Map<NatsSubscription, Boolean> subscriptions = new ConcurrentHashMap<>();
    private final AtomicLong publisherWaits = new AtomicLong();
    private volatile boolean closed;

    private NatsBus(Database database, BusSettings settings, Connection connection) throws IOException {
        this.database = database;
        this.outbox = new Outbox(database);
        this.settings = settings;
        this.connection = connection;
        this.jetStream = connection.jetStream();
        this.management = connection.jetStreamManagement();
    }

    /**
     * Applies the bus migrations, connects to the configured servers, creates or repairs the streams of
     * {@link Streams}, and sends what the outbox kept from before.
     *
     * @param database the server's database, for the outbox
     * @param settings the bus settings, with {@link BusSettings#natsUrls()} set
     * @return the bus
     * @throws BusException when the servers cannot be reached or refuse the streams
     */
    public static NatsBus connect(Database database, BusSettings settings) {
        database.migrate(BusSchema.MIGRATIONS);
        Options.Builder options = Options.builder()
                .servers(settings.natsUrls().toArray(String[]::new))
                .connectionName("myelin")
                .maxReconnects(-1)
                .connectionTimeout(Duration.ofSeconds(10));
        settings.natsCredentials().ifPresent(file -> options.authHandler(Nats.credentials(file)));
        Connection connection;
        try {
            connection = Nats.connect(options.build());
        } catch (IOException e) {
            throw new BusException("cannot connect to NATS at " + servers(settings), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BusException("interrupted while connecting to NATS", e);
        }
        NatsBus bus;
        try {
            bus = new NatsBus(database, settings, connection);
        } catch (IOException e) {
            closeQuietly(connection);
            throw new BusException("cannot set up JetStream", e);
        }
        try {
            KNOWN_STREAMS.forEach(bus::ensureStream);
            bus.sendLeftovers();
            return bus;
        } catch (RuntimeException e) {
            bus.close();
            throw e instanceof BusException be ? be : new BusException("cannot set up JetStream streams", e);
        }
    }

    @Override
    public String description() {
        return "NATS JetStream at " + servers(settings) + " (stream prefix " + settings.prefix() + ")";
    }

    /**
     * {@inheritDoc}
     *
     * <p>Inside a {@link Database#write} the message goes to the outbox and is sent after the commit (see the
     * class comment); the number returned is then its outbox row id, as its stream sequence is not known yet.
     */
    @Override
    public long publish(String stream, String subject, byte[] payload) {
        String streamName = ensureStream(stream);
        if (closed) {
            throw new BusException("the bus is closed");
        }
        if (!insideWrite()) {
            return send(stream, subject, payload, null, false);
        }
        // Refused now, while the caller's write can still roll back, rather than stuck in the outbox.
        if (payload.length > connection.getMaxPayload()) {
            throw new BusException("a message of " + payload.length + " bytes is larger than NATS accepts ("
                    + connection.getMaxPayload() + ") on " + streamName);
        }
        Outbox.Row row;
        try {
            row = database.write(tx -> outbox.add(tx, stream, subject, payload));
        } catch (RuntimeException e) {
            throw new BusException("cannot store a message for " + streamName + " in the outbox", e);
        }
        database.afterCommit(() -> relay(row));
        return row.id();
    }

    @Override
    public Subscription subscribe(String stream, String durable, Duration ackTimeout, MessageHandler handler) {
        if (closed) {
            throw new BusException("the bus is closed");
        }
        BusSettings.checkName("durable", durable);
        String streamName = ensureStream(stream);
        NatsSubscription subscription = new NatsSubscription(this, connection, stream, streamName,
                subjectPrefix(stream), durable, ackTimeout, handler);
        subscriptions.put(subscription, Boolean.TRUE);
        subscription.start();
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
        ManagedBus.closeAll(subscriptions.keySet());
        outbox.close();
        closeQuietly(connection);
    }

    BusSettings settings() {
        return settings;
    }

    Database database() {
        return database;
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

    /**
     * Sends a message to its stream, waiting while the stream is full.
     *
     * @param msgId      the JetStream message id, or null for none
     * @param persistent whether to wait out a broker that does not answer, too (for an outbox row, whose
     *                   message id keeps a retry from storing it twice), rather than fail
     * @return the message's stream sequence
     * @throws BusException when the broker refused the message, could not be reached (unless persistent),
     *                      or the bus closed while waiting
     */
    private long send(String stream, String subject, byte[] payload, String msgId, boolean persistent) {
        String streamName = ensureStream(stream);
        String natsSubject = subjectPrefix(stream) + SubjectTokens.encode(subject);
        PublishOptions options = PublishOptions.builder().expectedStream(streamName).messageId(msgId).build();
        long pauseMillis = 2;
        boolean warned = false;
        while (true) {
            if (closed) {
                throw new BusException("the bus is closed");
            }
            try {
                PublishAck ack = jetStream.publish(natsSubject, payload, options);
                if (ack.isDuplicate()) {
                    LOG.log(System.Logger.Level.DEBUG, () -> "bus: " + streamName + " already had message " + msgId);
                }
                return ack.getSeqno();
            } catch (JetStreamApiException e) {
                if (!isFull(e)) {
                    throw new BusException("NATS refused a message on " + streamName + ": " + e.getMessage(), e);
                }
                // The stream holds bus.max_pending unfinished messages: wait for its consumers to catch up.
                publisherWaits.incrementAndGet();
            } catch (IOException e) {
                if (!persistent) {
                    throw new BusException("cannot publish to " + streamName, e);
                }
                if (!warned) {
                    LOG.log(System.Logger.Level.WARNING, "bus: cannot send an outbox message to {0} ({1});"
                            + " retrying until NATS answers", streamName, e.getMessage());
                    warned = true;
                }
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BusException("interrupted while waiting for consumers of " + streamName, e);
            }
            pauseMillis = Math.min(pauseMillis * 2, MAX_PAUSE.toMillis());
        }
    }

    /**
     * Sends an outbox row once its write committed, and has it deleted. A row the broker refuses, or that the
     * bus closed on, stays for the next start.
     *
     * @return whether it was sent
     */
    private boolean relay(Outbox.Row row) {
        try {
            send(row.stream(), row.subject(), row.payload(), row.msgId(), true);
        } catch (BusException e) {
            System.Logger.Level level = closed ? System.Logger.Level.INFO : System.Logger.Level.ERROR;
            LOG.log(level, "bus: outbox message " + row.id() + " on " + row.stream() + " was not sent; it stays"
                    + " in the outbox for the next start", e);
            return false;
        }
        outbox.sent(row.id());
        return true;
    }

    /**
     * Sends, in order, what the outbox kept from a previous process: messages of writes that committed just
     * before a crash, or that the broker refused.
     */
    private void sendLeftovers() {
        long after = 0;
        int sent = 0;
        int kept = 0;
        List<Outbox.Row> page;
        do {
            page = outbox.left(after, OUTBOX_PAGE);
            for (Outbox.Row row : page) {
                after = row.id();
                if (relay(row)) {
                    sent++;
                } else {
                    kept++;
                }
            }
        } while (page.size() == OUTBOX_PAGE);
        if (sent + kept > 0) {
            LOG.log(System.Logger.Level.INFO, "bus: sent {0} message(s) a previous process left in the outbox;"
                    + " {1} kept", sent, kept);
        }
    }

    void forget(NatsSubscription subscription) {
        subscriptions.remove(subscription);
    }

    /**
     * The JetStream stream name for a bus stream.
     *
     * @param stream the bus stream
     * @return the prefixed name
     */
    String streamName(String stream) {
        return settings.prefix() + stream;
    }

    private String subjectPrefix(String stream) {
        return settings.prefix() + "." + stream + ".";
    }

    /**
     * Creates the stream or brings its limits back to the configuration.
     */
    private String ensureStream(String stream) {
        BusSettings.checkName("stream", stream);
        String name = streamName(stream);
        if (ready.contains(name)) {
            return name;
        }
        StreamConfiguration wanted = StreamConfiguration.builder()
                .name(name)
                .subjects(subjectPrefix(stream) + ">")
                .retentionPolicy(RetentionPolicy.Interest)
                .discardPolicy(DiscardPolicy.New)
                .maxMessages(settings.maxPending())
                .storageType(StorageType.File)
                .replicas(1)
                .build();
        try {
            StreamInfo info = streamInfo(name);
            if (info == null) {
                management.addStream(wanted);
                LOG.log(System.Logger.Level.DEBUG, () -> "bus: created stream " + name);
            } else if (differs(info.getConfiguration(), wanted)) {
                if (info.getConfiguration().getRetentionPolicy() != RetentionPolicy.Interest) {
                    LOG.log(System.Logger.Level.WARNING, "bus: stream {0} keeps messages by {1}, not by interest;"
                            + " delete it to let the bus recreate it", name,
                            info.getConfiguration().getRetentionPolicy());
                }
                management.updateStream(StreamConfiguration.builder(info.getConfiguration())
                        .subjects(subjectPrefix(stream) + ">")
                        .discardPolicy(DiscardPolicy.New)
                        .maxMessages(settings.maxPending())
                        .build());
                LOG.log(System.Logger.Level.INFO, "bus: repaired the configuration of stream {0}", name);
            }
        } catch (IOException | JetStreamApiException e) {
            throw new BusException("cannot create or repair stream " + name + ": " + e.getMessage(), e);
        }
        ready.add(name);
        return name;
    }

    private StreamInfo streamInfo(String name) throws IOException, JetStreamApiException {
        try {
            return management.getStreamInfo(name);
        } catch (JetStreamApiException e) {
            if (e.getErrorCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    private static boolean differs(StreamConfiguration have, StreamConfiguration wanted) {
        return !have.getSubjects().equals(wanted.getSubjects())
                || have.getDiscardPolicy() != wanted.getDiscardPolicy()
                || have.getMaxMsgs() != wanted.getMaxMsgs()
                || have.getRetentionPolicy() != wanted.getRetentionPolicy();
    }

    /**
     * Whether the broker refused the message because the stream reached {@code max_msgs} (or a byte limit).
     */
    private static boolean isFull(JetStreamApiException e) {
        String description = String.valueOf(e.getErrorDescription());
        return description.contains("maximum messages") || description.contains("maximum bytes");
    }

    private static String servers(BusSettings settings) {
        return String.join(",", settings.natsUrls().stream().map(NatsUrls::redact).toList());
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
