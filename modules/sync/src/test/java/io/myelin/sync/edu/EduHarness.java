package io.myelin.sync.edu;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import io.myelin.api.bus.Bus;
import io.myelin.api.bus.Streams;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.storage.Database;
import io.myelin.api.users.AccountDataEntry;
import io.myelin.api.users.AccountDataRequest;
import io.myelin.api.users.AccountDataResponse;
import io.myelin.api.users.DevicesRequest;
import io.myelin.api.users.DevicesResponse;
import io.myelin.api.users.FilterRequest;
import io.myelin.api.users.FilterResponse;
import io.myelin.api.users.ProfileResponse;
import io.myelin.api.users.PushRulesResponse;
import io.myelin.api.users.PutAccountDataRequest;
import io.myelin.api.users.UiaRequest;
import io.myelin.api.users.UiaResponse;
import io.myelin.api.users.UserData;
import io.myelin.api.users.UserRequest;
import io.myelin.sync.SyncComponent;
import io.myelin.sync.TestComponents;
import io.myelin.sync.stream.Memberships;
import io.myelin.sync.stream.Notifier;
import io.myelin.sync.stream.RoomserverMemberships;
import io.myelin.sync.stream.SyncQuery;
import io.myelin.sync.stream.SyncResult;
import io.myelin.sync.stream.SyncSource;
import io.myelin.sync.stream.SyncToken;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/**
 * The sync sources of account data, typing, receipts, notification counts and presence on the real storage,
 * cache, bus, roomserver and users components, on SQLite in a temporary directory or on a fresh PostgreSQL
 * database, with a small stand-in for {@code GET /sync} that asks every source as the sync endpoint does.
 */
final class EduHarness implements AutoCloseable {

    static final String SERVER_NAME = TestComponents.SERVER_NAME;

    private final TestComponents components;
    private final List<SyncSource> sources = new ArrayList<>();
    private final Notifier notifier = new Notifier();
    private Memberships memberships;
    private final Map<String, JsonObject> addedRules = new ConcurrentHashMap<>();
    private Edus edus;

    private EduHarness(TestComponents components) {
        this.components = components;
    }

    /** The databases the tests run on. */
    enum Backend { SQLITE, POSTGRES }

    static EduHarness start(Backend backend, boolean presence) throws Exception {
        EduHarness h = new EduHarness(backend == Backend.SQLITE ? TestComponents.sqlite()
                : TestComponents.postgres("myelin_sync"));
        try {
            h.boot(presence);
        } catch (Exception | Error e) {
            h.close();
            throw e;
        }
        return h;
    }

    private void boot(boolean presence) throws Exception {
        components.start(List.of("storage", "cache", "bus", "roomserver", "users"),
                Map.of("users.password_hashing.memory", "64kb", "users.password_hashing.iterations", "1"));
        memberships = new RoomserverMemberships(rooms(), SERVER_NAME);
        Map<Class<?>, Object> syncServices = new HashMap<>(components.services());
        syncServices.put(UserData.class, new RulesAdded(userData()));
        edus = Edus.start(components.context(new SyncComponent(), Map.of("sync.presence.enabled",
                String.valueOf(presence)), syncServices), memberships, notifier, sources);
    }

    /**
     * Adds a rule in front of a user's override rules, as if the user had added it with {@code PUT /pushrules}
     * (which needs the HTTP API this harness does not serve), and announces the change as the users component
     * does.
     *
     * @param userId the user
     * @param rule   the rule
     */
    void addOverrideRule(String userId, JsonObject rule) {
        addedRules.put(userId, rule);
        bus().publish(Streams.OUTPUT_CLIENT_DATA, userId, Json.createObjectBuilder()
                .add("user_id", userId).add("room_id", "").add("type", "m.push_rules").build().toString()
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The users component's data with the rules of {@link #addOverrideRule} put in front. */
    private final class RulesAdded implements UserData {
        private final UserData real;

        RulesAdded(UserData real) {
            this.real = real;
        }

        @Override
        public AccountDataResponse accountData(AccountDataRequest request) {
            return real.accountData(request);
        }

        @Override
        public AccountDataEntry putAccountData(PutAccountDataRequest request) {
            return real.putAccountData(request);
        }

        @Override
        public FilterResponse filter(FilterRequest request) {
            return real.filter(request);
        }

        @Override
        public PushRulesResponse pushRules(UserRequest request) {
            PushRulesResponse rules = real.pushRules(request);
            JsonObject added = addedRules.get(request.userId());
            if (added == null) {
                return rules;
            }
            JsonObject global = rules.rules().getJsonObject("global");
            JsonArray override = Json.createArrayBuilder().add(added).addAll(Json.createArrayBuilder(
                    global.getJsonArray("override"))).build();
            return new PushRulesResponse(Json.createObjectBuilder().add("global",
                    Json.createObjectBuilder(global).add("override", override)).build());
        }

        @Override
        public ProfileResponse profile(UserRequest request) {
            return real.profile(request);
        }

        @Override
        public DevicesResponse devices(DevicesRequest request) {
            return real.devices(request);
        }

        @Override
        public UiaResponse authenticate(UiaRequest request) {
            return real.authenticate(request);
        }
    }

    RoomserverApi rooms() {
        return components.service(RoomserverApi.class);
    }

    UserData userData() {
        return components.service(UserData.class);
    }

    Database database() {
        return components.service(Database.class);
    }

    Memberships memberships() {
        return memberships;
    }

    Bus bus() {
        return components.service(Bus.class);
    }

    Edus edus() {
        return edus;
    }

    Notifier notifier() {
        return notifier;
    }

    <T extends SyncSource> T source(Class<T> type) {
        return sources.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
    }

    /** A sync response and the token to continue from. */
    record Response(JsonObject body, SyncToken next) {
        JsonObject room(String roomId) {
            JsonObject join = body.getJsonObject("rooms").getJsonObject("join");
            return join == null ? null : join.getJsonObject(roomId);
        }

        List<JsonObject> ephemeral(String roomId, String type) {
            JsonObject room = room(roomId);
            if (room == null) {
                return List.of();
            }
            return room.getJsonObject("ephemeral").getJsonArray("events").stream().map(JsonValue::asJsonObject)
                    .filter(e -> e.getString("type").equals(type)).toList();
        }
    }

    /**
     * Asks every source as {@code GET /sync} does: positions first, then the sources with keys, then the
     * decorators. On an initial sync every joined room gets an entry, as the rooms source gives it a timeline.
     *
     * @param userId the syncing user
     * @param since  the token of the previous response, or null for an initial sync
     * @return the response
     */
    Response sync(String userId, SyncToken since) {
        return sync(userId, since, Set.of());
    }

    /**
     * Asks every source as {@code GET /sync} does.
     *
     * @param userId      the syncing user
     * @param since       the token of the previous response, or null for an initial sync
     * @param newlyJoined the rooms the user joined after {@code since}
     * @return the response
     */
    Response sync(String userId, SyncToken since, Set<String> newlyJoined) {
        return sync(userId, since, newlyJoined, JsonValue.EMPTY_JSON_OBJECT);
    }

    /**
     * Asks every source as {@code GET /sync} does, with a filter.
     *
     * @param userId      the syncing user
     * @param since       the token of the previous response, or null for an initial sync
     * @param newlyJoined the rooms the user joined after {@code since}
     * @param filter      the sync filter
     * @return the response
     */
    Response sync(String userId, SyncToken since, Set<String> newlyJoined, JsonObject filter) {
        Map<String, Long> positions = new HashMap<>();
        for (SyncSource source : sources) {
            if (source.key() != null) {
                positions.put(source.key(), source.position());
            }
        }
        SyncToken next = SyncToken.of(positions);
        Set<String> joined = new HashSet<>(memberships.joinedRooms(userId));
        SyncQuery query = new SyncQuery(userId, "DEVICE", since == null, false, filter, joined,
                newlyJoined);
        SyncResult result = new SyncResult();
        if (since == null) {
            joined.forEach(result::joined);
        }
        for (SyncSource source : sources) {
            if (source.key() != null) {
                source.collect(query, since == null ? 0 : since.position(source.key()), positions.get(source.key()),
                        result);
            }
        }
        for (SyncSource source : sources) {
            if (source.key() == null) {
                source.collect(query, since == null ? 0 : 1, 0, result);
            }
        }
        return new Response(result.toJson(next.toString()), next);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        try {
            if (edus != null) {
                edus.stop();
            }
        } finally {
            components.close();
        }
    }
}
