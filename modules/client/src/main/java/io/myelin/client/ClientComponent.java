package io.myelin.client;

import java.util.List;
import java.util.Set;

import io.myelin.api.Component;
import io.myelin.api.ComponentContext;
import io.myelin.api.Routes;
import io.myelin.api.bus.Bus;
import io.myelin.api.bus.Streams;
import io.myelin.api.bus.Subscription;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.storage.Database;
import io.myelin.api.storage.Migrations;
import io.myelin.api.sync.PublishedRooms;
import io.myelin.api.sync.SyncPositions;
import io.myelin.api.users.AccessTokens;
import io.myelin.api.users.UserData;

/**
 * Client-server endpoints for rooms: creating them, memberships, sending and reading events and state, the
 * room and alias directories, and the user directory, whose index follows the roomserver's output stream.
 *
 * <p>Every request is authenticated with the users component's tokens; every change goes through the
 * roomserver, which applies the authorization rules and persists transaction ids.
 */
public final class ClientComponent implements Component {

    private static final System.Logger LOG = System.getLogger(ClientComponent.class.getName());

    private static final Migrations MIGRATIONS = new Migrations("client", "/io/myelin/client/db",
            List.of("001-reports.sql", "002-directory.sql", "003-user-directory.sql",
                    "004-user-reports.sql"),
            ClientComponent.class::getResourceAsStream);

    private RoomRoutes rooms;
    private EventRoutes events;
    private ReportRoutes reports;
    private DirectoryRoutes directory;
    private PublicRoomsRoutes publicRooms;
    private UserDirectoryRoutes userDirectory;
    private Subscription userDirectoryFeed;

    @Override
    public String name() {
        return "client";
    }

    @Override
    public Set<Class<?>> needs() {
        return Set.of(Database.class, Bus.class, AccessTokens.class, RoomserverApi.class, UserData.class,
                SyncPositions.class, PublishedRooms.class);
    }

    @Override
    public void start(ComponentContext context) {
        AccessTokens tokens = context.require(AccessTokens.class);
        RoomserverApi roomserver = context.require(RoomserverApi.class);
        Visibility visibility = new Visibility(roomserver);
        directory = new DirectoryRoutes(tokens, roomserver, visibility, context.identity().serverName());
        Database db = context.database();
        db.migrate(MIGRATIONS);
        publicRooms = new PublicRoomsRoutes(tokens, roomserver, directory, db, context.identity().serverName());
        context.require(PublishedRooms.class).lookup(publicRooms::published);
        rooms = new RoomRoutes(tokens, roomserver, directory, publicRooms, context.require(UserData.class),
                context.identity().serverName());
        events = new EventRoutes(tokens, roomserver, visibility, directory.canonicalAliases(),
                context.require(SyncPositions.class));
        reports = new ReportRoutes(tokens, roomserver, visibility, db, context.clock());
        UserDirectory index = new UserDirectory(db, roomserver);
        index.buildOnce();
        userDirectoryFeed = context.bus().subscribe(Streams.OUTPUT_ROOM_EVENT, UserDirectory.DURABLE, index::handle);
        userDirectory = new UserDirectoryRoutes(tokens, index);
        LOG.log(System.Logger.Level.INFO, "client: started");
    }

    @Override
    public void routes(Routes routes) {
        rooms.register(routes);
        events.register(routes);
        reports.register(routes);
        directory.register(routes);
        publicRooms.register(routes);
        userDirectory.register(routes);
    }

    @Override
    public void stop() {
        if (userDirectoryFeed != null) {
            userDirectoryFeed.close();
            userDirectoryFeed = null;
        }
    }
}
