package io.myelin.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DataUnitTest {

    @ParameterizedTest
    @CsvSource({
        "0.6tb, 659706976665",
        "1.2gb, 1288490188",
        "256mb, 268435456",
        "128kb, 131072",
        "128, 128",
        "1GB, 1073741824",
        "1 gb, 1073741824",
        "0, 0",
        "1.5kb, 1536",
        "2TB, 2199023255552",
    })
    void parsesSizesInPowersOf1024(String text, long bytes) {
        assertEquals(bytes, DataUnit.parse(text).bytes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"12xb", "-1gb", "", " ", "gb", "1.gb", ".5gb", "1e3", "1,5gb", "one", "9999999999tb"})
    void refusesWhatIsNotASize(String text) {
        assertThrows(IllegalArgumentException.class, () -> DataUnit.parse(text));
    }

    @org.junit.jupiter.api.Test
    void refusesNull() {
        assertThrows(IllegalArgumentException.class, () -> DataUnit.parse(null));
    }
}
