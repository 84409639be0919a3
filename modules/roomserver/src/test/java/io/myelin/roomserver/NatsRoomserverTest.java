package io.myelin.roomserver;

import org.junit.jupiter.api.BeforeAll;

/** The roomserver with NATS JetStream as its bus ({@code MYELIN_TEST_NATS_URL}), on SQLite. */
class NatsRoomserverTest extends RoomserverContract {

    @BeforeAll
    static void start() throws Exception {
        harness = Harness.nats();
    }
}
