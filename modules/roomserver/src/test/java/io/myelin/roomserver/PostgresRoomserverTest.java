package io.myelin.roomserver;

import org.junit.jupiter.api.BeforeAll;

/** The roomserver on a fresh PostgreSQL database ({@code MYELIN_TEST_POSTGRES_URL}). */
class PostgresRoomserverTest extends RoomserverContract {

    @BeforeAll
    static void start() throws Exception {
        harness = Harness.postgres();
    }
}
