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
 * <p>Streams of {@link Streams} are created or repaired when the bus opens, others on first use.
 */
public final class NatsBus implements ManagedBus {

    private static final System.Logger LOG = System.getLogger(NatsBus.class.getName());
    private static final List<String> KNOWN_STREAMS = List.of(Streams.INPUT_ROOM_EVENT, Streams.OUTPUT_ROOM_EVENT,
            Streams.OUTPUT_TYPING_EVENT, Streams.OUTPUT_RECEIPT_EVENT, Streams.OUTPUT_SEND_TO_DEVICE_EVENT,
            Streams.OUTPUT_KEY_CHANGE_EVENT, Streams.OUTPUT_CLIENT_DATA, Streams.OUTPUT_PRESENCE_EVENT,
            Streams.INPUT_DEVICE_LIST_UPDATE, Streams.INPUT_SIGNING_KEY_UPDATE);
    private static final Duration MAX_PAUSE = Duration.ofMillis(200);

    private final BusSettings settings;
    private final Connection connection;
    private final JetStream jetStream;
    private final JetStreamManagement management;
    private final Set<String> ready = ConcurrentHashMap.newKeySet();
    private final Map<NatsSubscription, Boolean> subscriptions = new ConcurrentHashMap<>();
    private final AtomicLong publisherWaits = new AtomicLong();
    private volatile boolean closed;

    private NatsBus(BusSettings settings, Connection connection) throws IOException {
        this.settings = settings;
        this.connection = connection;
        this.jetStream = connection.jetStream();
        this.management = connection.jetStreamManagement();
    }

    /**
     * Connects to the configured servers and creates or repairs the streams of {@link Streams}.
     *
     * @param settings the bus settings, with {@link BusSettings#natsUrls()} set
     * @return the bus
     * @throws BusException when the servers cannot be reached or refuse the streams
     */
    public static NatsBus connect(BusSettings settings) {
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
        try {
            NatsBus bus = new NatsBus(settings, connection);
            KNOWN_STREAMS.forEach(bus::ensureStream);
            return bus;
        } catch (IOException | RuntimeException e) {
            closeQuietly(connection);
            throw e instanceof BusException be ? be : new BusException("cannot set up JetStream streams", e);
        }
    }

    @Override
    public String description() {
        return "NATS JetStream at " + servers(settings) + " (stream prefix " + settings.prefix() + ")";
    }

    @Override
    public long publish(String stream, String subject, byte[] payload) {
        String streamName = ensureStream(stream);
        String natsSubject = subjectPrefix(stream) + SubjectTokens.encode(subject);
        PublishOptions options = PublishOptions.builder().expectedStream(streamName).build();
        long pauseMillis = 2;
        while (true) {
            if (closed) {
                throw new BusException("the bus is closed");
            }
            try {
                PublishAck ack = jetStream.publish(natsSubject, payload, options);
                return ack.getSeqno();
            } catch (JetStreamApiException e) {
                if (!isFull(e)) {
                    throw new BusException("NATS refused a message on " + streamName + ": " + e.getMessage(), e);
                }
            } catch (IOException e) {
                throw new BusException("cannot publish to " + streamName, e);
            }
            // The stream holds bus.max_pending unfinished messages: wait for its consumers to catch up.
            publisherWaits.incrementAndGet();
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BusException("interrupted while waiting for consumers of " + streamName, e);
            }
            pauseMillis = Math.min(pauseMillis * 2, MAX_PAUSE.toMillis());
        }
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
        closeQuietly(connection);
    }

    BusSettings settings() {
        return settings;
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
