package io.myelin.server.sync;

import static io.myelin.server.sync.DeviceServer.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.myelin.server.TestHomeserver.Reply;
import io.myelin.server.sync.DeviceServer.User;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * To-device messages and key counts as {@code GET /sync} returns them, over real HTTP; run once per database by
 * the subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SyncDeviceSyncTestBase {

    private static final AtomicInteger NAMES = new AtomicInteger();

    private DeviceServer server;

    abstract DeviceServer.Backend backend();

    @BeforeAll
    void start() throws Exception {
        server = DeviceServer.start(Files.createTempDirectory("myelin-syncdev-"), backend());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private User user() throws Exception {
        return server.register("s" + NAMES.incrementAndGet() + "_" + ProcessHandle.current().pid());
    }

    private JsonObject sync(User user, String since) throws Exception {
        Reply reply = server.get("/sync?timeout=0" + (since == null ? "" : "&since=" + enc(since)), user.token());
        assertEquals(200, reply.status(), reply.raw());
        return reply.json();
    }

    private static List<JsonObject> toDevice(JsonObject sync) {
        return sync.getJsonObject("to_device").getJsonArray("events").getValuesAs(JsonObject.class);
    }

    private void send(User sender, User recipient, String txnId, int n) throws Exception {
        Reply reply = server.put("/sendToDevice/m.test/" + txnId, sender.token(),
                "{\"messages\":{\"%s\":{\"%s\":{\"n\":%d}}}}".formatted(recipient.userId(), recipient.deviceId(), n));
        assertEquals(200, reply.status(), reply.raw());
    }

    @Test
    void toDeviceMessagesArriveOnceAndInPages() throws Exception {
        User alice = user();
        User bob = user();
        String since = sync(bob, null).getString("next_batch");
        for (int i = 1; i <= 130; i++) {
            send(alice, bob, "p" + i, i);
        }

        JsonObject first = sync(bob, since);
        assertEquals(100, toDevice(first).size());
        assertEquals(1, toDevice(first).getFirst().getJsonObject("content").getInt("n"));
        assertEquals(alice.userId(), toDevice(first).getFirst().getString("sender"));
        JsonObject second = sync(bob, first.getString("next_batch"));
        assertEquals(30, toDevice(second).size());
        assertEquals(101, toDevice(second).getFirst().getJsonObject("content").getInt("n"));
        JsonObject third = sync(bob, second.getString("next_batch"));
        assertTrue(toDevice(third).isEmpty());
        assertTrue(server.query("SELECT pos FROM sync_to_device WHERE user_id = ?", bob.userId()).isEmpty());
    }

    @Test
    void everySyncCarriesTheDevicesKeyCounts() throws Exception {
        User alice = user();
        Reply upload = server.post("/keys/upload", alice.token(), """
                {"one_time_keys":{"curve25519:AAAAAQ":"a2V5MQ","curve25519:AAAAAg":"a2V5Mg"}}
                """);
        assertEquals(200, upload.status(), upload.raw());
        JsonObject initial = sync(alice, null);
        assertEquals(Json.createObjectBuilder().add("curve25519", 2).add("signed_curve25519", 0).build(),
                initial.getJsonObject("device_one_time_keys_count"));
        assertTrue(initial.getJsonArray("device_unused_fallback_key_types").isEmpty());
        assertEquals(2, sync(alice, initial.getString("next_batch")).getJsonObject("device_one_time_keys_count")
                .getInt("curve25519"));
    }
}
