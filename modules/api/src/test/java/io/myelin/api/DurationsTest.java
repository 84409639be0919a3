package io.myelin.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void compactDurationsAreParsed() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(90), Durations.parse("90s"));
        assertEquals(Duration.ofMinutes(30), Durations.parse("30m"));
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
        assertEquals(Duration.ofDays(2), Durations.parse("2D"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
        assertEquals(Duration.ofMinutes(90), Durations.parse(" 1h 30m "));
        assertEquals(Duration.ofMillis(1_001), Durations.parse("1s1ms"));
    }

    @Test
    void isoDurationsAreParsed() {
        assertEquals(Duration.ofHours(1), Durations.parse("PT1H"));
        assertEquals(Duration.ofMinutes(5), Durations.parse("pt5m"));
    }

    @Test
    void formattedDurationsParseBack() {
        for (String text : new String[] {"1h", "1h30m", "2d3h", "90ms", "1m1s1ms"}) {
            assertEquals(text, Durations.format(Durations.parse(text)));
        }
        assertEquals("1h30m", Durations.format(Duration.ofSeconds(5_400)));
    }

    @Test
    void textThatIsNotAPositiveDurationIsRejected() {
        for (String bad : new String[] {"", " ", "1", "h", "1y", "1h x", "-1h", "0m", "0s0ms", "PT0S", "P1X",
                "999999999999999999d", "1.5h"}) {
            assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(null));
    }
}
