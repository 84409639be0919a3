package io.myelin.sync.edu;

import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.helidon.config.Config;
import io.myelin.api.ComponentContext;
import io.myelin.api.ConfigProblems;
import io.myelin.api.Routes;
import io.myelin.api.bus.Bus;
import io.myelin.api.bus.Message;
import io.myelin.api.bus.MessageHandler;
import io.myelin.api.bus.Streams;
import io.myelin.api.bus.Subscription;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.storage.Database;
import io.myelin.api.storage.Migrations;
import io.myelin.api.users.AccessTokens;
import io.myelin.api.users.UserData;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.sync.push.NotificationCounter;
import io.myelin.sync.push.Unread;
import io.myelin.sync.push.UnreadSource;
import io.myelin.sync.stream.Memberships;
import io.myelin.sync.stream.Notifier;
import io.myelin.sync.stream.SyncSource;

import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

/**
 * Account data, typing, receipts, notification counts and presence in {@code /sync}, with their endpoints and bus
 * consumers: built in one place so that the sync component only starts, routes and stops them.
 */
public final class Edus {

    private static final System.Logger LOG = System.getLogger(Edus.class.getName());
    private static final Migrations MIGRATIONS = new Migrations("sync", "/io/myelin/sync/db",
            List.of("020-edu.sql", "021-thread-notifications.sql"), Edus.class::getResourceAsStream);
    // A client long-polls /sync for at most a few minutes; one that has not come back for longer is gone.
    private static final Duration OFFLINE_AFTER = Duration.ofMinutes(5);
    private static final Duration SWEEP_EVERY = Duration.ofSeconds(30);
    private static final int MAX_DELIVERIES = 5;

    private final AccountDataSource accountData;
    private final Typing typing;
    private final Receipts receipts;
    private final Presence presence;
    private final UnreadSource unread;
    private final NotificationCounter counter;
    private final EduRoutes routes;
    private final ScheduledExecutorService timer;
    private final List<Subscription> subscriptions = new ArrayList<>();

    private Edus(Database db, Bus bus, Clock clock, RoomserverApi rooms, UserData userData, AccessTokens tokens,
                 Memberships memberships, Notifier notifier, EduConfig config, Predicate<String> inRoomsStream) {
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("sync-timers").daemon()
                .factory());
        Unread counts = new Unread(db);
        accountData = new AccountDataSource(db, userData, notifier);
        typing = new Typing(clock, memberships, notifier, timer);
        receipts = new Receipts(db, rooms, memberships, notifier, counts, bus, inRoomsStream);
        presence = new Presence(config.presenceEnabled(), db, clock, memberships, notifier, bus, OFFLINE_AFTER);
        unread = new UnreadSource(counts);
        counter = new NotificationCounter(rooms, userData, memberships, receipts);
        routes = new EduRoutes(tokens, rooms, userData, memberships, clock, bus, typing, receipts, presence);
    }

    /**
     * Checks the settings.
     *
     * @param section  the {@code sync} section
     * @param problems where problems go
     */
    public static void verify(Config section, ConfigProblems problems) {
        EduConfig.read(section, problems);
    }

    /**
     * Migrates the tables, builds the sources, adds them to {@code sources} and starts the bus consumers.
     *
     * @param context     the sync component's context
     * @param memberships who is in which room
     * @param notifier    wakes waiting {@code /sync} requests
     * @param sources     the sync component's sources, to add to
     * @return the running parts
     */
    public static Edus start(ComponentContext context, Memberships memberships, Notifier notifier,
                             List<SyncSource> sources) {
        return start(context, memberships, notifier, sources, eventId -> true);
    }

    /**
     * Starts the sources, their consumers and timers, for a server whose rooms stream wakes the members of a room
     * for each new event it stores.
     *
     * @param context       the component's context
     * @param memberships   who shares rooms
     * @param notifier      wakes waiting syncs
     * @param sources       where the sources are added
     * @param inRoomsStream whether the rooms stream already holds an event: until it does, a notification count
     *                      is recorded without waking anyone, and reaches the user with the event itself
     * @return the started parts
     */
    public static Edus start(ComponentContext context, Memberships memberships, Notifier notifier,
                             List<SyncSource> sources, Predicate<String> inRoomsStream) {
        ConfigProblems problems = new ConfigProblems();
        EduConfig config = EduConfig.read(context.config(), problems);
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("; ", problems.list()));
        }
        Database db = context.database();
        db.migrate(MIGRATIONS);
        Edus edus = new Edus(db, context.bus(), context.clock(), context.require(RoomserverApi.class),
                context.require(UserData.class), context.require(AccessTokens.class), memberships, notifier, config,
                inRoomsStream);
        sources.add(edus.accountData);
        sources.add(edus.typing);
        sources.add(edus.receipts);
        sources.add(edus.presence);
        sources.add(edus.unread);
        if (config.presenceEnabled()) {
            edus.timer.scheduleWithFixedDelay(edus::sweepPresence, SWEEP_EVERY.toMillis(), SWEEP_EVERY.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        edus.subscriptions.add(context.bus().subscribe(Streams.OUTPUT_CLIENT_DATA, "sync-account-data",
                guarded(edus::clientData)));
        edus.subscriptions.add(context.bus().subscribe(Streams.OUTPUT_ROOM_EVENT, "sync-notifications",
                guarded(edus.counter::handle)));
        LOG.log(System.Logger.Level.INFO, "sync: account data, typing, receipts and notification counts on;"
                + " presence " + (config.presenceEnabled() ? "on" : "off"));
        return edus;
    }

    /**
     * Adds the typing, receipt, read marker and presence endpoints.
     *
     * @param routes the routes
     */
    public void routes(Routes routes) {
        this.routes.register(routes);
    }

    /**
     * The typing notifications, which drop a user whose membership of a room ended.
     *
     * @return the typing source
     */
    public Typing typing() {
        return typing;
    }

    /**
     * The presence tracker, whose {@link Presence#touch(String, io.helidon.webserver.http.ServerRequest)}
     * {@code GET /sync} calls with each request.
     *
     * @return the presence tracker
     */
    public Presence presence() {
        return presence;
    }

    /** Stops the consumers and the timers of typing and presence. */
    public void stop() {
        subscriptions.forEach(Subscription::close);
        timer.shutdownNow();
    }

    /**
     * Lets a message that keeps failing go after a few deliveries, so that one bad message does not hold back
     * every later one of its subject; earlier failures are retried, as a database that was briefly away is.
     */
    private static MessageHandler guarded(MessageHandler handler) {
        return message -> {
            try {
                handler.handle(message);
            } catch (RuntimeException e) {
                if (message.deliveries() < MAX_DELIVERIES) {
                    throw e;
                }
                LOG.log(System.Logger.Level.ERROR, "sync: giving up on message " + message.sequence() + " of "
                        + message.stream() + " (subject " + message.subject() + ") after " + message.deliveries()
                        + " deliveries", e);
                message.ack();
            }
        };
    }

    private void sweepPresence() {
        try {
            presence.sweep();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "sync: marking idle users offline failed", e);
        }
    }

    private void clientData(Message message) {
        JsonObject change;
        try (JsonReader reader = JsonSupport.provider().createReader(new ByteArrayInputStream(message.payload()))) {
            change = reader.readObject();
        }
        if ("m.push_rules".equals(change.getString("type", null))) {
            counter.pushRulesChanged(change.getString("user_id"));
        }
        accountData.handle(message);
    }
}
