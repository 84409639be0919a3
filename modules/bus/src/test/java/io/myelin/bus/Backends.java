package io.myelin.bus;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The external services tests run against: present locally when the variables are set, required in CI.
 */
final class Backends {

    private Backends() {
    }

    static String natsUrl() {
        return required("MYELIN_TEST_NATS_URL");
    }

    static String postgresUrl() {
        return required("MYELIN_TEST_POSTGRES_URL");
    }

    private static String required(String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(variable + " must be set in CI");
            }
            assumeTrue(false, variable + " is not set");
        }
        return value;
    }
}
