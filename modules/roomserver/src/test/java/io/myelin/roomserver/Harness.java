package io.myelin.roomserver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.metrics.api.MeterRegistry;
import io.myelin.api.Component;
import io.myelin.api.ServerIdentity;
import io.myelin.api.StartContext;
import io.myelin.api.bus.Bus;
import io.myelin.api.bus.Streams;
import io.myelin.api.bus.Subscription;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.storage.Database;
import io.myelin.protocol.crypto.SigningKey;
import io.myelin.testkit.ScratchDatabase;
import io.myelin.testkit.TempDirs;
import io.myelin.testkit.TestServices;

/**
 * The roomserver on the real storage, cache and bus components, as the server would start them, on SQLite in a
 * temporary directory or on a fresh PostgreSQL database.
 */
final class Harness implements AutoCloseable {

    static final String SERVER_NAME = "test.local";
    private static final MeterRegistry METERS = MeterRegistry.create();
    /** The roomserver's clock; a test may stop it. */
    static final TestClock CLOCK = new TestClock();

    private final String url;
    private final Path dir;
    private final Runnable drop;
    private final SigningKey key = SigningKey.generate();
    private final List<Component> started = new ArrayList<>();
    private final BlockingQueue<jakarta.json.JsonObject> outputs = new LinkedBlockingQueue<>();
    private Subscription outputSubscription;
    private RoomserverApi api;
    private Database database;

    private Map<String, String> busSection = Map.of();
    private Map<String, String> roomserverSection = Map.of();
    private Map<Class<?>, Object> services = Map.of();

    private Harness(String url, Path dir, Runnable drop) {
        this.url = url;
        this.dir = dir;
        this.drop = drop;
    }

    /**
     * The roomserver on SQLite with NATS JetStream as its bus ({@code MYELIN_TEST_NATS_URL}), under a fresh stream
     * prefix whose streams are deleted afterwards.
     */
    static Harness nats() throws Exception {
        String nats = TestServices.natsUrl();
        Path dir = Files.createTempDirectory("myelin-roomserver-test");
        String prefix = "MyelinRoomserverTest" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        Harness h = new Harness("jdbc:sqlite:" + dir.resolve("myelin.db"), dir, () -> {
            deleteStreams(nats, prefix);
            TempDirs.delete(dir);
        });
        h.busSection = Map.of("prefix", prefix, "nats.urls.0", nats);
        h.start();
        return h;
    }

    private static void deleteStreams(String url, String prefix) {
        try (io.nats.client.Connection connection = io.nats.client.Nats.connect(url)) {
            var management = connection.jetStreamManagement();
            for (String name : management.getStreamNames()) {
                if (name.startsWith(prefix)) {
                    management.deleteStream(name);
                }
            }
        } catch (IOException | io.nats.client.JetStreamApiException e) {
            throw new IllegalStateException("cannot delete the test streams", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Harness sqlite() throws Exception {
        return sqlite(Map.of());
    }

    /**
     * The roomserver on SQLite with a configuration section of its own.
     *
     * @param roomserver the {@code roomserver} section
     */
    static Harness sqlite(Map<String, String> roomserver) throws Exception {
        Path dir = Files.createTempDirectory("myelin-roomserver-test");
        Harness h = new Harness("jdbc:sqlite:" + dir.resolve("myelin.db"), dir, () -> TempDirs.delete(dir));
        h.roomserverSection = roomserver;
        h.start();
        return h;
    }

    /**
     * The roomserver on a SQLite file in a given directory, for a test that opens the same database in two
     * processes one after the other.
     *
     * @param dir    the directory of {@code myelin.db}
     * @param remove whether closing the harness deletes the directory
     */
    static Harness sqliteIn(Path dir, boolean remove) throws Exception {
        Runnable drop = remove ? () -> TempDirs.delete(dir) : () -> { };
        Harness h = new Harness("jdbc:sqlite:" + dir.resolve("myelin.db"), dir, drop);
        h.start();
        return h;
    }

    static Harness postgres() throws Exception {
        ScratchDatabase database = ScratchDatabase.create("myelin_roomserver");
        Path dir = Files.createTempDirectory("myelin-roomserver-test");
        Harness h = new Harness(database.url(), dir, () -> {
            database.close();
            TempDirs.delete(dir);
        });
        h.start();
        return h;
    }

    /**
     * Counts rows of a table.
     *
     * @param table the table
     * @return its row count
     */
    long rows(String table) {
        return database.client().execute().get("SELECT COUNT(*) AS n FROM " + table)
                .map(r -> ((Number) r.column("n").get()).longValue()).orElseThrow();
    }

    /**
     * Reads one number.
     *
     * @param sql a query with one row and a column {@code n}
     * @param params its parameters
     * @return the number
     */
    long number(String sql, Object... params) {
        return database.client().execute().get(sql, params)
                .map(r -> ((Number) r.column("n").get()).longValue()).orElseThrow();
    }

    /**
     * Runs a statement that changes rows.
     *
     * @param sql the statement
     * @return the rows changed
     */
    long dml(String sql) {
        return database.client().execute().dml(sql);
    }

    /**
     * Reads pairs of numbers.
     *
     * @param sql a query with columns {@code k} and {@code v}, {@code v} possibly null
     * @return v by k
     */
    Map<Long, Long> pairs(String sql) {
        Map<Long, Long> out = new HashMap<>();
        database.client().execute().query(sql).forEach(r -> out.put(((Number) r.column("k").get()).longValue(),
                r.column("v").asOptional().map(v -> ((Number) v).longValue()).orElse(null)));
        return out;
    }

    RoomserverApi api() {
        return api;
    }

    /** @return the key this server signs its events with */
    SigningKey key() {
        return key;
    }

    /**
     * @param type a service the started components provide
     * @return it
     */
    <T> T service(Class<T> type) {
        return type.cast(services.get(type));
    }

    /** @return the meter registry the roomserver was started with */
    MeterRegistry meters() {
        return METERS;
    }

    /** Stops every component and starts them again on the same database, like a server restart. */
    void restart() throws Exception {
        stop();
        start();
    }

    private void start() throws Exception {
        Map<Class<?>, Object> services = StartContext.newRegistry();
        this.services = services;
        ServerIdentity identity = new ServerIdentity(SERVER_NAME, dir, key, List.of());
        Map<String, String> values = new HashMap<>();
        values.put("database.url", url);
        busSection.forEach((k, v) -> values.put("bus." + k, v));
        roomserverSection.forEach((k, v) -> values.put("roomserver." + k, v));
        Config config = Config.just(ConfigSources.create(values));
        for (String name : List.of("storage", "cache", "bus", "roomserver")) {
            Component c = component(name);
            if (name.equals("roomserver")) {
                // Subscribed before the roomserver starts, so that the stream keeps every output from the first.
                outputSubscription = ((Bus) services.get(Bus.class)).subscribe(Streams.OUTPUT_ROOM_EVENT, "test",
                        message -> {
                            try (var reader = jakarta.json.Json.createReader(
                                    new java.io.ByteArrayInputStream(message.payload()))) {
                                outputs.add(reader.readObject());
                            }
                            message.ack();
                        });
            }
            c.start(new StartContext(c, config, identity, METERS, CLOCK, services));
            started.add(c);
        }
        api = (RoomserverApi) services.get(RoomserverApi.class);
        database = (Database) services.get(Database.class);
    }

    /** @return the records the roomserver published on {@code OutputRoomEvent}, in order */
    BlockingQueue<jakarta.json.JsonObject> outputs() {
        return outputs;
    }

    private void stop() {
        if (outputSubscription != null) {
            outputSubscription.close();
            outputSubscription = null;
        }
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).stop();
        }
        started.clear();
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            drop.run();
        }
    }

    static Component component(String name) {
        return ServiceLoader.load(Component.class).stream().map(ServiceLoader.Provider::get)
                .filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no component " + name + " on the module path"));
    }

    /** The system clock, unless a test stopped it at an instant. */
    static final class TestClock extends Clock {
        private volatile Instant stopped;

        /** @param at the instant to stay at, or null to follow the system clock again */
        void stopAt(Instant at) {
            stopped = at;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            Instant at = stopped;
            return at != null ? at : Instant.now();
        }
    }
}
