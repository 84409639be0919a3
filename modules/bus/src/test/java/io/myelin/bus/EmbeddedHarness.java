package io.myelin.bus;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.myelin.api.Component;
import io.myelin.api.StartContext;
import io.myelin.api.bus.MessageHandler;
import io.myelin.api.bus.Subscription;
import io.myelin.api.storage.Database;
import io.myelin.bus.dispatch.ManagedBus;
import io.myelin.bus.embedded.EmbeddedBus;
import io.myelin.testkit.ScratchDatabase;
import io.myelin.testkit.TempDirs;

/**
 * The embedded bus on the real storage component: a temporary SQLite file, or a fresh PostgreSQL
 * database made for the run and dropped after it. The NATS harness keeps its outbox in one of these.
 */
final class EmbeddedHarness implements BusHarness {

    private final String kind;
    private final String url;
    private final Path dataDir;
    private final Runnable drop;

    private EmbeddedHarness(String kind, String url, Path dataDir, Runnable drop) {
        this.kind = kind;
        this.url = url;
        this.dataDir = dataDir;
        this.drop = drop;
    }

    static EmbeddedHarness sqlite() {
        Path dir = TempDirs.create("myelin-bus-test");
        return new EmbeddedHarness("sqlite", "jdbc:sqlite:" + dir.resolve("bus.db"), dir, () -> TempDirs.delete(dir));
    }

    static EmbeddedHarness postgres() {
        ScratchDatabase database = ScratchDatabase.create("myelin_bus");
        Path dir = TempDirs.create("myelin-bus-test");
        return new EmbeddedHarness("postgres", database.url(), dir, () -> {
            database.close();
            TempDirs.delete(dir);
        });
    }

    static EmbeddedHarness reopen(List<String> args) {
        // The database URL says where everything is; the data directory is never written.
        Path unused = Path.of(System.getProperty("java.io.tmpdir"));
        return new EmbeddedHarness(args.get(0), args.get(1), unused, () -> { });
    }

    @Override
    public BusSettings settings() {
        return BusHarness.testSettings("Myelin", List.of());
    }

    @Override
    public ManagedBus open(BusSettings settings) {
        return openWith(database -> EmbeddedBus.open(database, settings));
    }

    /**
     * Starts the storage component on this harness's database and opens a bus on it.
     *
     * @param opener opens the bus on the database
     * @return the bus with its storage
     */
    WithStorage openWith(Function<Database, ManagedBus> opener) {
        Component storage = Components.component("storage");
        Map<Class<?>, Object> services = StartContext.newRegistry();
        try {
            Components.start(storage, Map.of("database.url", url), dataDir, services);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start storage on " + kind, e);
        }
        Database database = (Database) services.get(Database.class);
        try {
            return new WithStorage(opener.apply(database), storage, database);
        } catch (RuntimeException e) {
            storage.stop();
            throw e;
        }
    }

    @Override
    public List<String> args() {
        return List.of(kind, url);
    }

    @Override
    public void close() {
        drop.run();
    }

    /**
     * A bus and the storage under it, closed together like a server stopping.
     */
    record WithStorage(ManagedBus bus, Component storage, Database database) implements ManagedBus {
        @Override
        public String description() {
            return bus.description();
        }

        @Override
        public long publisherWaits() {
            return bus.publisherWaits();
        }

        @Override
        public long publish(String stream, String subject, byte[] payload) {
            return bus.publish(stream, subject, payload);
        }

        @Override
        public Subscription subscribe(String stream, String durable, Duration ackTimeout, MessageHandler handler) {
            return bus.subscribe(stream, durable, ackTimeout, handler);
        }

        @Override
        public Subscription subscribe(String stream, String durable, MessageHandler handler) {
            return bus.subscribe(stream, durable, handler);
        }

        @Override
        public void close() {
            bus.close();
            storage.stop();
        }
    }
}
