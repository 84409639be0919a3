package io.myelin.roomserver;

import org.junit.jupiter.api.BeforeAll;

/** The roomserver on SQLite. */
class SqliteRoomserverTest extends RoomserverContract {

    @BeforeAll
    static void start() throws Exception {
        harness = Harness.sqlite();
    }
}
