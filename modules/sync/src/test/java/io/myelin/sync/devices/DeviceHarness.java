package io.myelin.sync.devices;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

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
import io.myelin.sync.SyncComponent;
import io.myelin.sync.TestComponents;
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

    static final String SERVER_NAME = TestComponents.SERVER_NAME;

    private final TestComponents components;
    private final Map<String, Set<String>> rooms = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> stateAfter = new ConcurrentHashMap<>();
    private final Map<String, List<String>> devices = new ConcurrentHashMap<>();
    private final Notifier notifier = new Notifier();
    private final List<SyncSource> sources = new ArrayList<>();
    private DeviceSync sync;

    private DeviceHarness(TestComponents components) {
        this.components = components;
    }

    static DeviceHarness sqlite(KeysApi keys) throws Exception {
        return start(TestComponents.sqlite(), keys);
    }

    static DeviceHarness postgres(KeysApi keys) throws Exception {
        return start(TestComponents.postgres("myelin_syncdev"), keys);
    }

    private static DeviceHarness start(TestComponents components, KeysApi keys) throws Exception {
        DeviceHarness h = new DeviceHarness(components);
        try {
            h.start(keys);
        } catch (Exception | Error e) {
            h.close();
            throw e;
        }
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
        return components.service(Bus.class);
    }

    long count(String sql, Object... params) {
        return components.service(Database.class).client().execute().get(sql, params)
                .map(r -> ((Number) r.column("n").get()).longValue()).orElseThrow();
    }

    /** Stops everything and starts it again on the same database. */
    void restart(KeysApi keys) throws Exception {
        stop();
        start(keys);
    }

    private void start(KeysApi keys) throws Exception {
        components.start(List.of("storage", "cache", "bus"), Map.of());
        // Stand-ins for the roomserver and users components, which this harness does not start.
        Map<Class<?>, Object> services = components.services();
        services.put(UserData.class, userData());
        services.put(RoomserverApi.class, roomserver());
        services.put(AccessTokens.class, (AccessTokens) token -> {
            throw new UnsupportedOperationException();
        });
        sources.clear();
        sync = DeviceSync.start(components.context(new SyncComponent(), Map.of(), services), memberships(), notifier,
                sources, keys);
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
        components.stop();
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            components.close();
        }
    }
}
