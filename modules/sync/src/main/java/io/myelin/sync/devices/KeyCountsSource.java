package io.myelin.sync.devices;

import java.util.LinkedHashMap;
import java.util.Map;

import io.myelin.api.keys.DeviceKeysRequest;
import io.myelin.api.keys.KeysApi;
import io.myelin.api.keys.OneTimeKeyCounts;
import io.myelin.sync.stream.SyncQuery;
import io.myelin.sync.stream.SyncResult;
import io.myelin.sync.stream.SyncSource;

/**
 * Adds the syncing device's {@code device_one_time_keys_count} and {@code device_unused_fallback_key_types} to
 * every {@code /sync} response, as the keys component counts them. It has no position of its own.
 */
public final class KeyCountsSource implements SyncSource {

    // Some clients only upload one-time keys when they see this algorithm counted, even at zero.
    private static final String SIGNED_CURVE25519 = "signed_curve25519";

    private final KeysApi keys;

    KeyCountsSource(KeysApi keys) {
        this.keys = keys;
    }

    @Override
    public String key() {
        return null;
    }

    @Override
    public long position() {
        return 0;
    }

    @Override
    public void collect(SyncQuery query, long since, long upTo, SyncResult result) {
        if (query.deviceId() == null) {
            return;
        }
        OneTimeKeyCounts counts = keys.oneTimeKeyCounts(new DeviceKeysRequest(query.userId(), query.deviceId()));
        Map<String, Integer> byAlgorithm = new LinkedHashMap<>(counts.oneTimeKeyCounts());
        byAlgorithm.putIfAbsent(SIGNED_CURVE25519, 0);
        result.keyCounts(byAlgorithm, counts.unusedFallbackKeyTypes());
    }
}
