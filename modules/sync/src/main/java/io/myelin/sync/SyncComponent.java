package io.myelin.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.helidon.config.Config;
import io.myelin.api.Component;
import io.myelin.api.ComponentContext;
import io.myelin.api.ConfigProblems;
import io.myelin.api.Routes;
import io.myelin.api.bus.Bus;
import io.myelin.api.cache.Caches;
import io.myelin.api.keys.KeysApi;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.storage.Database;
import io.myelin.api.storage.Migrations;
import io.myelin.api.sync.PublishedRooms;
import io.myelin.api.sync.SyncPositions;
import io.myelin.api.users.AccessTokens;
import io.myelin.api.users.UserData;
import io.myelin.sync.devices.DeviceSync;
import io.myelin.sync.edu.Edus;
import io.myelin.sync.http.DirectoryLookup;
import io.myelin.sync.http.HistoryRoutes;
import io.myelin.sync.http.StreamPositions;
import io.myelin.sync.http.SyncRoutes;
import io.myelin.sync.rooms.RoomStore;
import io.myelin.sync.rooms.RoomStream;
import io.myelin.sync.rooms.RoomsSource;
import io.myelin.sync.stream.Memberships;
import io.myelin.sync.stream.Notifier;
import io.myelin.sync.stream.RoomserverMemberships;
import io.myelin.sync.stream.SyncSource;

/**
 * /sync, /messages, /context, typing, receipts, read markers, presence and to-device messages.
 *
 * <p>Each kind of data is a {@link SyncSource} with its own stream position and tables; {@code /sync} reads
 * them all and waits on the {@link Notifier} when none has anything new.
 */
public final class SyncComponent implements Component {

    private static final System.Logger LOG = System.getLogger(SyncComponent.class.getName());

    private static final Migrations MIGRATIONS = new Migrations("sync", "/io/myelin/sync/db",
            List.of("001-rooms.sql", "002-purged-rooms.sql"), SyncComponent.class::getResourceAsStream);

    private final List<SyncSource> sources = new ArrayList<>();
    private final Notifier notifier = new Notifier();
    private DeviceSync devices;
    private Edus edus;
    private RoomStream roomStream;
    private SyncRoutes syncRoutes;
    private HistoryRoutes historyRoutes;

    @Override
    public String name() {
        return "sync";
    }

    @Override
    public Set<Class<?>> provides() {
        return Set.of(SyncPositions.class, PublishedRooms.class);
    }

    @Override
    public Set<Class<?>> needs() {
        return Set.of(Database.class, Bus.class, Caches.class, RoomserverApi.class, AccessTokens.class,
                UserData.class, KeysApi.class);
    }

    @Override
    public void verify(Config section, ConfigProblems problems) {
        Edus.verify(section, problems);
    }

    @Override
    public void start(ComponentContext context) {
        context.database().migrate(MIGRATIONS);
        roomStream = new RoomStream(new RoomStore(context.database()), context.require(RoomserverApi.class),
                notifier, context.identity().serverName());
        RoomsSource rooms = new RoomsSource(roomStream, context.clock(), context.caches(),
                context.require(RoomserverApi.class));
        sources.add(rooms);
        Memberships memberships = new RoomserverMemberships(context.require(RoomserverApi.class),
                context.identity().serverName());
        context.provide(SyncPositions.class, new StreamPositions(roomStream.store()));
        DirectoryLookup directory = new DirectoryLookup();
        context.provide(PublishedRooms.class, directory);
        roomStream.start(context.bus());
        devices = DeviceSync.start(context, memberships, notifier, sources,
                context.require(KeysApi.class));
        edus = Edus.start(context, memberships, notifier, sources, roomStream::holds);
        roomStream.whenMembershipEnds(edus.typing()::left);
        syncRoutes = new SyncRoutes(context.require(AccessTokens.class), context.require(UserData.class), sources,
                rooms, notifier, edus.presence());
        historyRoutes = new HistoryRoutes(context.require(AccessTokens.class), roomStream, rooms, notifier,
                context.clock(), sources, directory);
        LOG.log(System.Logger.Level.INFO, "sync: started with " + sources.size() + " sources");
    }

    @Override
    public void routes(Routes routes) {
        syncRoutes.register(routes);
        historyRoutes.register(routes);
        devices.routes(routes);
        edus.routes(routes);
    }

    @Override
    public void stop() {
        if (edus != null) {
            edus.stop();
        }
        if (devices != null) {
            devices.stop();
        }
        if (roomStream != null) {
            roomStream.stop();
        }
    }
}
