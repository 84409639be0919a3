package io.myelin.sync.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

class SyncTokenTest {

    @Test
    void tokensKeepEveryPositionInOrder() {
        SyncToken token = SyncToken.of(Map.of(SyncToken.ROOMS, 12L, SyncToken.TO_DEVICE, 3L));
        assertEquals("s12_0_0_0_0_3_0", token.toString());
        assertEquals(token, SyncToken.parse(token.toString()));
        assertEquals(3L, SyncToken.parse("s12_0_0_0_0_3_0").position(SyncToken.TO_DEVICE));
    }

    @Test
    void shorterTokensReadMissingPartsAsZero() {
        assertEquals(SyncToken.of(Map.of(SyncToken.ROOMS, 5L)), SyncToken.parse("s5"));
    }

    @Test
    void foreignTokensAreRefused() {
        for (String bad : new String[] {"", "s", "t1", "s1_x", "s-1", "s1_2_3_4_5_6_7_8", "s1__2"}) {
            assertThrows(IllegalArgumentException.class, () -> SyncToken.parse(bad), bad);
        }
    }
}
