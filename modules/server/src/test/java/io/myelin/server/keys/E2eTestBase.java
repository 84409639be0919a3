package io.myelin.server.keys;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;

import io.myelin.api.Component;
import io.myelin.api.ComponentContext;
import io.myelin.api.bus.Bus;
import io.myelin.api.bus.Streams;
import io.myelin.api.keys.DeviceListChange;
import io.myelin.api.keys.KeysApi;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * A real server per test class with a probe component that holds {@link KeysApi} and records every record on the
 * key change stream, and the request bodies the key tests share.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class E2eTestBase {

    final ConcurrentLinkedQueue<DeviceListChange> changes = new ConcurrentLinkedQueue<>();
    KeysApi keysApi;
    KeysServer server;

    abstract KeysServer.Backend backend();

    /** Takes KeysApi as a component that needs it does, and watches the key change stream. */
    final class Probe implements Component {
        @Override
        public String name() {
            return "keys-probe";
        }

        @Override
        public Set<Class<?>> needs() {
            return Set.of(KeysApi.class, Bus.class);
        }

        @Override
        public void start(ComponentContext context) {
            keysApi = context.require(KeysApi.class);
            context.bus().subscribe(Streams.OUTPUT_KEY_CHANGE_EVENT, "keys-probe", message -> {
                changes.add(DeviceListChange.fromBytes(message.payload()));
                message.ack();
            });
        }
    }

    @BeforeAll
    void start() throws Exception {
        server = KeysServer.start(Files.createTempDirectory("myelin-keys-"), backend(), List.of(new Probe()));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    static JsonObject upload(JsonObject deviceKeys, JsonObject oneTimeKeys, JsonObject fallbackKeys) {
        JsonObjectBuilder body = Json.createObjectBuilder();
        if (deviceKeys != null) {
            body.add("device_keys", deviceKeys);
        }
        if (oneTimeKeys != null) {
            body.add("one_time_keys", oneTimeKeys);
        }
        if (fallbackKeys != null) {
            body.add("fallback_keys", fallbackKeys);
        }
        return body.build();
    }

    static JsonObject query(String userId) {
        return Json.createObjectBuilder().add("device_keys", Json.createObjectBuilder()
                .add(userId, Json.createArrayBuilder())).build();
    }
}
