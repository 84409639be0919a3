package io.myelin.bus;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The bus semantics on NATS JetStream ({@code MYELIN_TEST_NATS_URL}).
 */
class NatsBusTest extends BusContract {

    private static NatsHarness harness;

    @BeforeAll
    static void connect() {
        harness = NatsHarness.fresh();
    }

    @AfterAll
    static void deleteStreams() {
        if (harness != null) {
            harness.close();
        }
    }

    @Override
    BusHarness harness() {
        return harness;
    }
}
