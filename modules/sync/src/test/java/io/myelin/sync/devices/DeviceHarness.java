package io.myelin.sync.devices;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.metrics.api.MeterRegistry;
import io.myelin.api.Component;
import io.myelin.api.ComponentContext;
import io.myelin.api.ServerIdentity;
import io.myelin.api.bus.Bus;
import io.myelin.api.keys.KeysApi;
import io.myelin.api.roomserver.JoinedResponse;
import io.myelin.api.roomserver.RoomEvent;
import io.myelin.api.roomserver.RoomRequest;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.roomserver.StateRequest;
import io.myelin.api.roomserver.StateResponse;
import io.myelin.api.storage.Database;
import io.myelin.api.users.AccessTokens;
import io.myelin.api.users.DeviceInfo;
import io.myelin.api.users.DevicesRequest;
import io.myelin.api.users.DevicesResponse;
import io.myelin.api.users.UserData;
import io.myelin.sync.stream.Memberships;
import io.myelin.sync.stream.Notifier;
import io.myelin.sync.stream.SyncSource;
import jakarta.json.Json;
import jakarta.json.JsonObject;

/**
 * The device sync parts on the real storage, bus and cache components, on SQLite in a temporary directory or a
 * fresh PostgreSQL database, with the other components' services replaced by a directory of rooms and devices
 * the test sets.
 */
final class DeviceHarness implements AutoCloseable {

    static final String SERVER_NAME = "test.local";
    private static final String POSTGRES_VARIABLE = "MYELIN_TEST_POSTGRES_URL";
    private static final MeterRegistry METERS = MeterRegistry.create();

    private final String url;
    private final Path dir;
    private final Runnable drop;
    private final List<Component> started = new ArrayList<>();
    private final Map<Class<?>, Object> services = new HashMap<>();
    private final Map<String, Set<String>> rooms = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> stateAfter = new ConcurrentHashMap<>();
    private final Map<String, List<String>> devices = new ConcurrentHashMap<>();
    private final Notifier notifier = new Notifier();
    private final List<SyncSource> sources = new ArrayList<>();
    private DeviceSync sync;

    private DeviceHarness(String url, Path dir, Runnable drop) {
        this.url = url;
        this.dir = dir;
        this.drop = drop;
    }

    static DeviceHarness sqlite(KeysApi keys) throws Exception {
        Path dir = Files.createTempDirectory("myelin-sync-test");
        DeviceHarness h = new DeviceHarness("jdbc:sqlite:" + dir.resolve("myelin.db"), dir, () -> delete(dir));
        h.start(keys);
        return h;
    }

    static DeviceHarness postgres(KeysApi keys) throws Exception {
        String admin = System.getenv(POSTGRES_VARIABLE);
        if (admin == null || admin.isBlank()) {
            if ("true".equals(System.getenv("CI"))) {
                fail(POSTGRES_VARIABLE + " must be set when CI=true: PostgreSQL tests may not be skipped");
            }
            assumeTrue(false, POSTGRES_VARIABLE + " is not set; PostgreSQL tests skipped");
        }
        Path dir = Files.createTempDirectory("myelin-sync-test");
        String name = "myelin_syncdev_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        adminStatement(admin, dir, "CREATE DATABASE " + name);
        DeviceHarness h = new DeviceHarness(withDatabase(admin, name), dir, () -> {
            adminStatement(admin, dir, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            delete(dir);
        });
        h.start(keys);
        return h;
    }

    /** Sets who is joined to a room now. */
    void room(String roomId, String... members) {
        rooms.put(roomId, new LinkedHashSet<>(List.of(members)));
    }

    /** Sets who is joined to a room right after an event, where that differs from who is joined now. */
    void stateAfter(String eventId, String... members) {
        stateAfter.put(eventId, new LinkedHashSet<>(List.of(members)));
    }

    /** Sets a local user's devices. */
    void devices(String userId, String... deviceIds) {
        devices.put(userId, List.of(deviceIds));
    }

    Notifier notifier() {
        return notifier;
    }

    List<SyncSource> sources() {
        return sources;
    }

    ToDeviceSource toDevice() {
        return sync.toDevice();
    }

    DeviceListSource deviceLists() {
        return sync.deviceLists();
    }

    Bus bus() {
        return (Bus) services.get(Bus.class);
    }

    long count(String sql, Object... params) {
        return ((Database) services.get(Database.class)).client().execute().get(sql, params)
                .map(r -> ((Number) r.column("n").get()).longValue()).orElseThrow();
    }

    /** Stops everything and starts it again on the same database. */
    void restart(KeysApi keys) throws Exception {
        stop();
        start(keys);
    }

    private void start(KeysApi keys) throws Exception {
        ServerIdentity identity = new ServerIdentity(SERVER_NAME, dir);
        for (String name : List.of("storage", "cache", "bus")) {
            Component c = component(name);
            c.start(new Context(name.equals("storage") ? Map.of("url", url) : Map.of(), identity, services));
            started.add(c);
        }
        services.put(UserData.class, userData());
        services.put(RoomserverApi.class, roomserver());
        services.put(AccessTokens.class, (AccessTokens) token -> {
            throw new UnsupportedOperationException();
        });
        sources.clear();
        sync = DeviceSync.start(new Context(Map.of(), identity, services), memberships(), notifier, sources, keys);
    }

    private Memberships memberships() {
        return new Memberships() {
            @Override
            public Set<String> localJoined(String roomId) {
                return rooms.getOrDefault(roomId, Set.of()).stream().filter(u -> u.endsWith(":" + SERVER_NAME))
                        .collect(Collectors.toSet());
            }

            @Override
            public Set<String> joinedRooms(String userId) {
                return rooms.entrySet().stream().filter(e -> e.getValue().contains(userId)).map(Map.Entry::getKey)
                        .collect(Collectors.toSet());
            }

            @Override
            public Set<String> localUsersSharingRoomsWith(String userId) {
                Set<String> users = new LinkedHashSet<>();
                if (userId.endsWith(":" + SERVER_NAME)) {
                    users.add(userId);
                }
                joinedRooms(userId).forEach(r -> users.addAll(localJoined(r)));
                return users;
            }
        };
    }

    private RoomserverApi roomserver() {
        return (RoomserverApi) Proxy.newProxyInstance(RoomserverApi.class.getClassLoader(),
                new Class<?>[] {RoomserverApi.class}, (proxy, method, args) -> {
                    if (method.getName().equals("joined")) {
                        List<String> users = List.copyOf(rooms.getOrDefault(((RoomRequest) args[0]).roomId(),
                                Set.of()));
                        return new JoinedResponse(users, List.of());
                    }
                    if (method.getName().equals("state")) {
                        // Who is joined now stands for who was joined after an event not set apart.
                        StateRequest request = (StateRequest) args[0];
                        String roomId = request.roomId();
                        Set<String> joined = stateAfter.getOrDefault(request.eventId(),
                                rooms.getOrDefault(roomId, Set.of()));
                        List<RoomEvent> members = new ArrayList<>();
                        for (String userId : joined) {
                            JsonObject member = Json.createObjectBuilder().add("type", "m.room.member")
                                    .add("state_key", userId).add("sender", userId).add("content",
                                            Json.createObjectBuilder().add("membership", "join")).build();
                            members.add(new RoomEvent("$" + userId, roomId, "10", member, false, false, false, null));
                        }
                        return new StateResponse(roomId, "10", members);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private UserData userData() {
        return (UserData) Proxy.newProxyInstance(UserData.class.getClassLoader(), new Class<?>[] {UserData.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("devices")) {
                        Map<String, List<DeviceInfo>> known = new HashMap<>();
                        for (String userId : ((DevicesRequest) args[0]).userIds()) {
                            List<String> ids = devices.get(userId);
                            if (ids != null) {
                                known.put(userId, ids.stream().map(id -> new DeviceInfo(id, null, 0)).toList());
                            }
                        }
                        return new DevicesResponse(known);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private void stop() {
        if (sync != null) {
            sync.stop();
            sync = null;
        }
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).stop();
        }
        started.clear();
        services.clear();
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            drop.run();
        }
    }

    private static Component component(String name) {
        return ServiceLoader.load(Component.class).stream().map(ServiceLoader.Provider::get)
                .filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no component " + name + " on the module path"));
    }

    private static void adminStatement(String admin, Path dir, String sql) {
        Component storage = component("storage");
        Map<Class<?>, Object> services = new HashMap<>();
        try {
            storage.start(new Context(Map.of("url", admin), new ServerIdentity(SERVER_NAME, dir), services));
            ((Database) services.get(Database.class)).client().execute().dml(sql);
        } catch (Exception e) {
            throw new IllegalStateException("cannot run '" + sql + "' on the PostgreSQL test server", e);
        } finally {
            storage.stop();
        }
    }

    private static String withDatabase(String url, String name) {
        int hostStart = url.indexOf("//") + 2;
        int query = url.indexOf('?');
        String head = query < 0 ? url : url.substring(0, query);
        String tail = query < 0 ? "" : url.substring(query);
        int slash = head.indexOf('/', hostStart);
        return (slash < 0 ? head : head.substring(0, slash)) + "/" + name + tail;
    }

    private static void delete(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary directory harms nothing.
        }
    }

    /** A start context with a shared service registry. */
    private record Context(Map<String, String> section, ServerIdentity identity, Map<Class<?>, Object> services)
            implements ComponentContext {

        @Override
        public Config config() {
            return Config.builder().addSource(ConfigSources.create(section)).disableEnvironmentVariablesSource()
                    .disableSystemPropertiesSource().build();
        }

        @Override
        public Config rootConfig() {
            return config();
        }

        @Override
        public MeterRegistry meters() {
            return METERS;
        }

        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }

        @Override
        public <T> void provide(Class<T> type, T service) {
            services.put(type, service);
        }

        @Override
        public <T> T require(Class<T> type) {
            Object service = services.get(type);
            if (service == null) {
                throw new IllegalStateException("nothing provides " + type.getName());
            }
            return type.cast(service);
        }
    }
}
