package io.myelin.server.sync;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The sync section's presence setting is checked before the server starts. */
class SyncEduConfigTest {

    @Test
    void presenceEnabledMustBeABoolean() throws Exception {
        Path dir = Files.createTempDirectory("myelin-syncedu-config-");
        Exception failure = assertThrows(Exception.class, () -> EduServer.start(dir, EduServer.Backend.SQLITE,
                "  presence:\n    enabled: sometimes\n    colour: blue\n", List.of()).close());
        assertTrue(failure.getMessage().contains("sync.presence.enabled"), failure.getMessage());
        assertTrue(failure.getMessage().contains("sync.presence.colour"), failure.getMessage());
    }
}
