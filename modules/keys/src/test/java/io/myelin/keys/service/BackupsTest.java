package io.myelin.keys.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.myelin.keys.store.BackupStore.SessionKey;

import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

class BackupsTest {

    private static SessionKey key(boolean verified, long firstIndex, long forwarded) {
        return new SessionKey("!r:x", "s", firstIndex, forwarded, verified, JsonValue.EMPTY_JSON_OBJECT);
    }

    @Test
    void anyKeyFillsAnEmptySlot() {
        assertTrue(Backups.replaces(key(false, 99, 99), null));
    }

    @Test
    void verificationDecidesFirst() {
        assertTrue(Backups.replaces(key(true, 9, 9), key(false, 0, 0)));
        assertFalse(Backups.replaces(key(false, 0, 0), key(true, 9, 9)));
    }

    @Test
    void thenTheLowerFirstMessageIndex() {
        assertTrue(Backups.replaces(key(true, 1, 9), key(true, 2, 0)));
        assertFalse(Backups.replaces(key(true, 3, 0), key(true, 2, 9)));
    }

    @Test
    void thenTheLowerForwardedCountAndNeverAnEqualKey() {
        assertTrue(Backups.replaces(key(false, 2, 0), key(false, 2, 1)));
        assertFalse(Backups.replaces(key(false, 2, 1), key(false, 2, 0)));
        assertFalse(Backups.replaces(key(false, 2, 1), key(false, 2, 1)));
    }
}
