package io.myelin.protocol.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalLong;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.testing.Room;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How each room version reads a power level value. */
class PowerLevelValuesTest {

    @ParameterizedTest(name = "{0} in v{1} reads as {2}")
    @CsvSource(delimiter = '|', value = {
        "100           | 1  | 100",
        "100           | 12 | 100",
        "-5            | 10 | -5",
        "'\"100\"'     | 1  | 100",
        "'\"000100\"'  | 9  | 100",
        "'\" +100 \"'  | 5  | 100",
        "'\" -100 \"'  | 5  | -100",
        "'\"100\"'     | 10 | none",
        "'\"1.5\"'     | 1  | none",
        "'\"+\"'       | 1  | none",
        "'\"\"'        | 1  | none",
        "'\"1 0\"'     | 1  | none",
        "50.57         | 1  | 50",
        "-50.9         | 5  | -50",
        "5.114698E4    | 3  | 51146",
        "1E400         | 1  | none",
        "50.57         | 6  | none",
        "true          | 1  | none",
        "null          | 1  | none",
    })
    void valueIsReadAsTheRoomVersionSays(String json, String version, String expected) {
        var value = Room.json("{\"v\":" + json + "}").get("v");
        OptionalLong parsed = PowerLevelValues.parse(RoomVersion.of(version).orElseThrow(), value);

        assertEquals(expected, parsed.isPresent() ? Long.toString(parsed.getAsLong()) : "none");
    }
}
