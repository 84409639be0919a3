package io.myelin.sync.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.myelin.api.keys.DeviceKeysRequest;
import io.myelin.api.keys.KeysApi;
import io.myelin.api.keys.OneTimeKeyCounts;
import io.myelin.sync.stream.SyncQuery;
import io.myelin.sync.stream.SyncResult;
import io.myelin.sync.stream.SyncSource;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * The key-count decorator: registered only when a keys service is given, and adding the syncing device's counts
 * to every response without making it non-empty.
 */
class KeyCountsSourceTest {

    @Test
    void everyResponseCarriesTheSyncingDevicesCounts() throws Exception {
        List<DeviceKeysRequest> asked = new ArrayList<>();
        KeysApi keys = request -> {
            asked.add(request);
            return new OneTimeKeyCounts(Map.of("signed_curve25519", 7), List.of("signed_curve25519"));
        };
        try (DeviceHarness harness = DeviceHarness.sqlite(keys)) {
            SyncSource source = harness.sources().stream().filter(s -> s instanceof KeyCountsSource).findFirst()
                    .orElseThrow();
            assertNull(source.key());

            SyncResult result = new SyncResult();
            source.collect(new SyncQuery("@alice:test.local", "A1", false, false, JsonObject.EMPTY_JSON_OBJECT,
                    Set.of(), Set.of()), 3, 3, result);
            assertEquals(List.of(new DeviceKeysRequest("@alice:test.local", "A1")), asked);
            assertTrue(result.isEmpty(), "counts alone do not end a long poll");
            JsonObject body = result.toJson("s0");
            assertEquals(Json.createObjectBuilder().add("signed_curve25519", 7).build(),
                    body.getJsonObject("device_one_time_keys_count"));
            assertEquals(Json.createArrayBuilder().add("signed_curve25519").build(),
                    body.getJsonArray("device_unused_fallback_key_types"));
        }
    }

    @Test
    void signedCurve25519IsCountedEvenAtZero() {
        KeyCountsSource source = new KeyCountsSource(request -> new OneTimeKeyCounts(Map.of(), List.of()));
        SyncResult result = new SyncResult();
        source.collect(new SyncQuery("@alice:test.local", "A1", true, false, JsonObject.EMPTY_JSON_OBJECT, Set.of(),
                Set.of()), 0, 0, result);
        JsonObject body = result.toJson("s0");
        assertEquals(Json.createObjectBuilder().add("signed_curve25519", 0).build(),
                body.getJsonObject("device_one_time_keys_count"));
        assertTrue(body.getJsonArray("device_unused_fallback_key_types").isEmpty());
    }

    @Test
    void withoutAKeysServiceThereIsNoCountSource() throws Exception {
        try (DeviceHarness harness = DeviceHarness.sqlite(null)) {
            assertEquals(2, harness.sources().size());
            assertTrue(harness.sources().stream().noneMatch(s -> s instanceof KeyCountsSource));
        }
    }
}
