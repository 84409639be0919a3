package io.myelin.server.sync;

import static io.myelin.server.sync.EduServer.assertError;
import static io.myelin.server.sync.EduServer.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.myelin.api.Component;
import io.myelin.api.ComponentContext;
import io.myelin.api.bus.Bus;
import io.myelin.api.bus.Streams;
import io.myelin.server.TestHomeserver.Backend;
import io.myelin.server.TestHomeserver.Reply;
import io.myelin.server.sync.EduServer.User;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The typing, receipt, read marker and presence endpoints over real HTTP on a whole server, with what they
 * announce on the bus for other servers; run once per database by the subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SyncEduHttpTestBase {

    private static final AtomicInteger NAMES = new AtomicInteger();

    private final BlockingQueue<JsonObject> typing = new LinkedBlockingQueue<>();
    private final BlockingQueue<JsonObject> receipts = new LinkedBlockingQueue<>();
    private final BlockingQueue<JsonObject> presence = new LinkedBlockingQueue<>();
    private EduServer server;

    abstract Backend backend();

    /** Watches what the sync component announces on the bus. */
    private final class Probe implements Component {
        @Override
        public String name() {
            return "syncedu-probe";
        }

        @Override
        public Set<Class<?>> needs() {
            return Set.of(Bus.class);
        }

        @Override
        public void start(ComponentContext context) {
            watch(context.bus(), Streams.OUTPUT_TYPING_EVENT, typing);
            watch(context.bus(), Streams.OUTPUT_RECEIPT_EVENT, receipts);
            watch(context.bus(), Streams.OUTPUT_PRESENCE_EVENT, presence);
        }

        private static void watch(Bus bus, String stream, BlockingQueue<JsonObject> into) {
            bus.subscribe(stream, "syncedu-probe", message -> {
                try (var reader = Json.createReader(new ByteArrayInputStream(message.payload()))) {
                    into.add(reader.readObject());
                }
                message.ack();
            });
        }
    }

    @BeforeAll
    void start() throws Exception {
        server = EduServer.start(Files.createTempDirectory("myelin-syncedu-"), backend(),
                "  presence:\n    enabled: true\n", List.of(new Probe()));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private User user() throws Exception {
        return server.register("e" + NAMES.incrementAndGet() + "_" + ProcessHandle.current().pid());
    }

    private String room(User creator, User... joiners) throws Exception {
        Reply created = server.post("/createRoom", creator.token(), "{\"preset\":\"public_chat\"}");
        assertEquals(200, created.status(), created.raw());
        String roomId = created.string("room_id");
        for (User joiner : joiners) {
            Reply joined = server.post("/join/" + enc(roomId), joiner.token(), "{}");
            assertEquals(200, joined.status(), joined.raw());
        }
        return roomId;
    }

    private String send(User sender, String roomId, String body) throws Exception {
        Reply reply = server.put("/rooms/" + enc(roomId) + "/send/m.room.message/t" + NAMES.incrementAndGet(),
                sender.token(), "{\"msgtype\":\"m.text\",\"body\":\"" + body + "\"}");
        assertEquals(200, reply.status(), reply.raw());
        return reply.string("event_id");
    }

    private static JsonObject next(BlockingQueue<JsonObject> queue, String roomOrUser) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            JsonObject message = queue.poll(100, TimeUnit.MILLISECONDS);
            if (message != null && (roomOrUser.equals(message.getString("room_id", null))
                    || roomOrUser.equals(message.getString("user_id", null)))) {
                return message;
            }
        }
        throw new AssertionError("nothing announced for " + roomOrUser);
    }

    @Test
    void typingIsAcceptedFromJoinedMembersForThemselves() throws Exception {
        User alice = user();
        User bob = user();
        User stranger = user();
        String roomId = room(alice, bob);
        String path = "/rooms/" + enc(roomId) + "/typing/";

        Reply ok = server.put(path + enc(alice.userId()), alice.token(), "{\"typing\":true,\"timeout\":20000}");
        assertEquals(200, ok.status(), ok.raw());
        assertEquals(Json.createObjectBuilder().build(), ok.json());
        JsonObject announced = next(typing, roomId);
        assertEquals(alice.userId(), announced.getString("user_id"));
        assertTrue(announced.getBoolean("typing"));
        assertEquals(20000, announced.getInt("timeout"));
        assertEquals(200, server.put(path + enc(alice.userId()), alice.token(), "{\"typing\":false}").status());
        assertFalse(next(typing, roomId).getBoolean("typing"));

        assertError(server.put(path + enc(bob.userId()), alice.token(), "{\"typing\":true,\"timeout\":1000}"),
                403, "M_FORBIDDEN");
        assertError(server.put(path + enc(stranger.userId()), stranger.token(), "{\"typing\":true,\"timeout\":1}"),
                403, "M_FORBIDDEN");
        assertError(server.put(path + enc(alice.userId()), alice.token(), "{\"timeout\":1000}"), 400, "M_BAD_JSON");
        assertError(server.put(path + enc(alice.userId()), alice.token(), "{\"typing\":true,\"timeout\":\"soon\"}"),
                400, "M_BAD_JSON");
        assertError(server.put(path + enc(alice.userId()), alice.token(), "{nope"), 400, "M_NOT_JSON");
        assertError(server.put(path + enc(alice.userId()), null, "{\"typing\":false}"), 401, "M_MISSING_TOKEN");
    }

    @Test
    void receiptsAreStoredAndPublicOnesAnnounced() throws Exception {
        User alice = user();
        User bob = user();
        String roomId = room(alice, bob);
        String first = send(alice, roomId, "one");
        String second = send(alice, roomId, "two");
        String base = "/rooms/" + enc(roomId) + "/receipt/";

        Reply privately = server.post(base + "m.read.private/" + enc(first), bob.token(), "{}");
        assertEquals(200, privately.status(), privately.raw());
        Reply threaded = server.post(base + "m.read/" + enc(second), bob.token(), "{\"thread_id\":\"main\"}");
        assertEquals(200, threaded.status(), threaded.raw());
        JsonObject announced = next(receipts, roomId);
        assertEquals("m.read", announced.getString("type"), "private receipts are never announced");
        assertEquals(second, announced.getString("event_id"));
        assertEquals("main", announced.getString("thread_id"));
        assertEquals(bob.userId(), announced.getString("user_id"));
        assertEquals(200, server.post(base + "m.read/" + enc(second), bob.token(), null).status(),
                "a receipt without a body is unthreaded");
        assertFalse(next(receipts, roomId).containsKey("thread_id"));

        assertError(server.post(base + "m.read/" + enc(first), bob.token(), "{\"thread_id\":\"\"}"), 400,
                "M_INVALID_PARAM");
        assertError(server.post(base + "m.read/" + enc(first), bob.token(), "{\"thread_id\":7}"), 400,
                "M_INVALID_PARAM");
        assertError(server.post(base + "m.fully_read/" + enc(first), bob.token(), "{\"thread_id\":\"main\"}"), 400,
                "M_INVALID_PARAM");
        assertError(server.post(base + "m.seen/" + enc(first), bob.token(), "{}"), 400, "M_INVALID_PARAM");
        assertError(server.post(base + "m.read/" + enc("$missing"), bob.token(), "{}"), 404, "M_NOT_FOUND");
        assertError(server.post(base + "m.read/" + enc(first), user().token(), "{}"), 403, "M_FORBIDDEN");
    }

    @Test
    void readMarkersSetTheFullyReadMarkerAndTheReceipts() throws Exception {
        User alice = user();
        User bob = user();
        String roomId = room(alice, bob);
        String first = send(alice, roomId, "one");
        String second = send(alice, roomId, "two");
        String marker = "/user/" + enc(bob.userId()) + "/rooms/" + enc(roomId) + "/account_data/m.fully_read";

        Reply set = server.post("/rooms/" + enc(roomId) + "/read_markers", bob.token(),
                "{\"m.fully_read\":\"" + first + "\",\"m.read\":\"" + second + "\",\"m.read.private\":\"" + second
                        + "\"}");
        assertEquals(200, set.status(), set.raw());
        assertEquals(first, server.get(marker, bob.token()).string("event_id"));
        JsonObject announced = next(receipts, roomId);
        assertEquals("m.read", announced.getString("type"));
        assertEquals(second, announced.getString("event_id"));

        Reply viaReceipt = server.post("/rooms/" + enc(roomId) + "/receipt/m.fully_read/" + enc(second),
                bob.token(), "{}");
        assertEquals(200, viaReceipt.status(), viaReceipt.raw());
        assertEquals(second, server.get(marker, bob.token()).string("event_id"));

        assertError(server.post("/rooms/" + enc(roomId) + "/read_markers", bob.token(), "{\"m.read\":5}"), 400,
                "M_BAD_JSON");
        assertError(server.post("/rooms/" + enc(roomId) + "/read_markers", user().token(),
                "{\"m.fully_read\":\"" + first + "\"}"), 403, "M_FORBIDDEN");
    }

    @Test
    void presenceIsSetByItsOwnerAndSeenByThoseWhoShareARoom() throws Exception {
        User alice = user();
        User bob = user();
        User stranger = user();
        room(alice, bob);
        String path = "/presence/" + enc(alice.userId()) + "/status";

        Reply set = server.put(path, alice.token(), "{\"presence\":\"online\",\"status_msg\":\"lunch\"}");
        assertEquals(200, set.status(), set.raw());
        JsonObject announced = next(presence, alice.userId());
        assertEquals("online", announced.getJsonObject("content").getString("presence"));

        Reply seen = server.get(path, bob.token());
        assertEquals(200, seen.status(), seen.raw());
        assertEquals("online", seen.string("presence"));
        assertEquals("lunch", seen.string("status_msg"));
        assertTrue(seen.json().getBoolean("currently_active"));
        assertNotNull(seen.json().getJsonNumber("last_active_ago"));
        assertEquals("online", server.get(path, alice.token()).string("presence"));

        assertEquals(200, server.put(path, alice.token(), "{\"presence\":\"unavailable\"}").status());
        Reply away = server.get(path, bob.token());
        assertEquals("unavailable", away.string("presence"));
        assertFalse(away.json().containsKey("status_msg"), away.raw());

        assertError(server.get(path, stranger.token()), 403, "M_FORBIDDEN");
        assertError(server.put(path, bob.token(), "{\"presence\":\"online\"}"), 403, "M_FORBIDDEN");
        assertError(server.put(path, alice.token(), "{\"presence\":\"busy\"}"), 400, "M_BAD_JSON");
        assertError(server.put(path, alice.token(), "{\"status_msg\":\"no state\"}"), 400, "M_BAD_JSON");
        assertError(server.put(path, alice.token(), "{\"presence\":\"online\",\"status_msg\":1}"), 400,
                "M_BAD_JSON");
    }

    @Test
    void presenceOffAcceptsUpdatesAndAnswersOffline() throws Exception {
        try (EduServer off = EduServer.start(Files.createTempDirectory("myelin-syncedu-off-"), backend(), "",
                List.of())) {
            User alice = off.register("off" + NAMES.incrementAndGet());
            User stranger = off.register("off" + NAMES.incrementAndGet());
            String path = "/presence/" + enc(alice.userId()) + "/status";
            Reply set = off.put(path, alice.token(), "{\"presence\":\"online\",\"status_msg\":\"here\"}");
            assertEquals(200, set.status(), set.raw());
            Reply status = off.get(path, alice.token());
            assertEquals(200, status.status(), status.raw());
            assertEquals(Json.createObjectBuilder().add("presence", "offline").build(), status.json());
            assertError(off.get(path, stranger.token()), 403, "M_FORBIDDEN");
            assertError(off.put(path, alice.token(), "{\"presence\":\"busy\"}"), 400, "M_BAD_JSON");
        }
    }
}
