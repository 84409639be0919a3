package io.myelin.roomserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.myelin.api.ConfigProblems;
import org.junit.jupiter.api.Test;

/** The {@code roomserver} configuration section. */
class RoomserverConfigTest {

    private static ConfigProblems verify(Map<String, String> section) {
        Config config = Config.builder().addSource(ConfigSources.create(section))
                .disableEnvironmentVariablesSource().disableSystemPropertiesSource().build();
        ConfigProblems problems = new ConfigProblems();
        new RoomserverComponent().verify(config, problems);
        return problems;
    }

    @Test
    void knownRoomVersionIsAccepted() {
        assertTrue(verify(Map.of("default_room_version", "10")).isEmpty());
    }

    @Test
    void unknownRoomVersionAndUnknownKeysAreReportedTogether() {
        ConfigProblems problems = verify(Map.of("default_room_version", "99", "default_version", "12"));
        assertEquals(2, problems.list().size(), problems.list().toString());
    }

    @Test
    void versionsWithServerChosenEventIdsAreAccepted() {
        assertTrue(verify(Map.of("default_room_version", "1")).isEmpty());
        assertTrue(verify(Map.of("default_room_version", "2")).isEmpty());
    }

    @Test
    void roomContextsMustBeAPositiveWholeNumber() {
        assertTrue(verify(Map.of("room_contexts", "100")).isEmpty());
        assertEquals(1, verify(Map.of("room_contexts", "0")).list().size());
        assertEquals(1, verify(Map.of("room_contexts", "many")).list().size());
    }
}
