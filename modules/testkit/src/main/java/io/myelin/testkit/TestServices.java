package io.myelin.testkit;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The external services tests run against, named by environment variables: a test on a service that is not
 * configured is skipped locally and fails under {@code CI=true}, where every backend test must run.
 */
public final class TestServices {

    /** A JDBC URL of a PostgreSQL server on which tests may create and drop databases. */
    public static final String POSTGRES_VARIABLE = "MYELIN_TEST_POSTGRES_URL";
    /** The URL of a NATS server with JetStream. */
    public static final String NATS_VARIABLE = "MYELIN_TEST_NATS_URL";

    private TestServices() {
    }

    /**
     * @return the PostgreSQL server's admin URL, such as
     *         {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}
     */
    public static String postgresUrl() {
        return required(POSTGRES_VARIABLE);
    }

    /**
     * @return the NATS server's URL, such as {@code nats://127.0.0.1:4222}
     */
    public static String natsUrl() {
        return required(NATS_VARIABLE);
    }

    /**
     * The value of a variable naming a test service; skips the calling test when it is not set, or fails it
     * under {@code CI=true}.
     *
     * @param variable the environment variable
     * @return its value
     */
    public static String required(String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(variable + " must be set when CI=true: tests on its service may not be skipped");
            }
            assumeTrue(false, variable + " is not set; tests on its service skipped");
        }
        return value;
    }
}
