package io.myelin.roomserver;

import java.util.List;
import java.util.Set;

import io.helidon.config.Config;
import io.myelin.api.Component;
import io.myelin.api.ComponentContext;
import io.myelin.api.ConfigProblems;
import io.myelin.api.bus.Bus;
import io.myelin.api.bus.Streams;
import io.myelin.api.bus.Subscription;
import io.myelin.api.cache.Caches;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.storage.Database;
import io.myelin.api.storage.Migrations;
import io.myelin.protocol.RoomVersion;
import io.myelin.roomserver.input.EventBuilder;
import io.myelin.roomserver.input.InputMetrics;
import io.myelin.roomserver.input.InputPipeline;
import io.myelin.roomserver.input.InputWorker;
import io.myelin.roomserver.input.Rooms;
import io.myelin.roomserver.perform.Performer;
import io.myelin.roomserver.perform.ReceivedInvites;
import io.myelin.roomserver.query.Queries;
import io.myelin.roomserver.storage.EventStore;
import io.myelin.roomserver.storage.RoomTables;
import io.myelin.roomserver.storage.StateStore;

/**
 * The authority on every room's event graph and state: stores events and state, runs every event through
 * authorization and state resolution one room queue at a time, builds local events, and answers queries. Provides
 * {@link RoomserverApi}.
 *
 * <p>Configuration ({@code roomserver} section): {@code default_room_version}, the version of new rooms
 * (default 12); {@code room_contexts}, how many rooms' current state to keep in memory besides those with work
 * queued (default 10,000).
 */
public final class RoomserverComponent implements Component {

    private static final System.Logger LOG = System.getLogger(RoomserverComponent.class.getName());
    private static final String DURABLE = "roomserver";

    private volatile Subscription subscription;
    private volatile InputWorker worker;

    @Override
    public String name() {
        return "roomserver";
    }

    @Override
    public Set<Class<?>> provides() {
        return Set.of(RoomserverApi.class);
    }

    @Override
    public Set<Class<?>> needs() {
        return Set.of(Database.class, Bus.class, Caches.class);
    }

    @Override
    public void verify(Config section, ConfigProblems problems) {
        problems.unknownKeys(section, List.of("default_room_version", "room_contexts"));
        Config contexts = section.get("room_contexts");
        if (contexts.exists()) {
            try {
                if (contexts.asInt().get() < 1) {
                    problems.add(contexts, "must be at least 1");
                }
            } catch (io.helidon.config.ConfigException e) {
                problems.add(contexts, "must be a whole number");
            }
        }
        section.get("default_room_version").asString().ifPresent(v -> {
            if (RoomVersion.of(v).isEmpty()) {
                problems.add("roomserver.default_room_version", "unknown room version " + v);
            }
        });
    }

    @Override
    public void start(ComponentContext context) {
        Database db = context.database();
        db.migrate(new Migrations("roomserver", "/io/myelin/roomserver/db",
                List.of("001-rooms.sql", "002-transaction-kinds.sql", "003-state-key-index.sql",
                        "004-state-before.sql"),
                name -> RoomserverComponent.class.getResourceAsStream(name)));
        RoomVersion defaultVersion = context.config().get("default_room_version").asString().asOptional()
                .flatMap(RoomVersion::of).orElse(RoomVersion.DEFAULT);

        EventStore events = new EventStore(db, context.caches());
        StateStore states = new StateStore(events, context.caches());
        RoomTables tables = new RoomTables(db);
        Rooms rooms = new Rooms(events, states, tables,
                context.config().get("room_contexts").asInt().orElse(Rooms.DEFAULT_CONTEXTS));
        InputMetrics metrics = new InputMetrics(meters(context), rooms::size);
        InputPipeline pipeline = new InputPipeline(events, states, tables, rooms, context.bus(), metrics);
        EventBuilder builder = new EventBuilder(rooms, pipeline, tables, context.identity(), context.clock());
        InputWorker worker = new InputWorker(context.bus(), pipeline, builder, metrics);
        this.worker = worker;
        Queries queries = new Queries(events, states, tables, rooms);
        Performer performer = new Performer(worker, tables, queries, context.identity(), context.clock(),
                defaultVersion);

        subscription = context.bus().subscribe(Streams.INPUT_ROOM_EVENT, DURABLE, worker);
        context.provide(RoomserverApi.class, new RoomserverService(worker, performer,
                new ReceivedInvites(worker, context.identity()), queries, tables, context.identity()));
        LOG.log(System.Logger.Level.INFO, "roomserver: started, new rooms get version " + defaultVersion.id());
    }

    private static io.helidon.metrics.api.MeterRegistry meters(ComponentContext context) {
        try {
            return context.meters();
        } catch (UnsupportedOperationException e) {
            return null;
        }
    }

    @Override
    public void stop() {
        // Inputs from the bus first (their handlers wait for the room workers), then the local events queued.
        Subscription s = subscription;
        if (s != null) {
            s.close();
        }
        InputWorker w = worker;
        if (w != null) {
            w.close(java.time.Duration.ofSeconds(10));
        }
    }
}
