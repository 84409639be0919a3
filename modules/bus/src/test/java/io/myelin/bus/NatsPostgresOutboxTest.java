package io.myelin.bus;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The NATS bus's outbox ({@code MYELIN_TEST_NATS_URL}) in PostgreSQL ({@code MYELIN_TEST_POSTGRES_URL}, a
 * fresh database per run).
 */
class NatsPostgresOutboxTest extends NatsOutboxContract {

    private static NatsHarness harness;

    @BeforeAll
    static void connect() {
        harness = NatsHarness.fresh(EmbeddedHarness.postgres());
    }

    @AfterAll
    static void deleteStreams() {
        if (harness != null) {
            harness.close();
        }
    }

    @Override
    NatsHarness harness() {
        return harness;
    }
}
