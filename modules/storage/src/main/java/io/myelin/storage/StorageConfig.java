package io.myelin.storage;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.helidon.config.Config;
import io.helidon.config.ConfigException;
import io.myelin.api.ConfigProblems;
import io.myelin.api.Durations;
import io.myelin.api.storage.Dialect;
import io.myelin.storage.jdbc.JdbcUrls;

/**
 * The {@code database} section of the configuration.
 *
 * @param url               JDBC URL: {@code jdbc:sqlite:<file>} or {@code jdbc:postgresql://host:port/name}
 * @param username          user name for PostgreSQL, when not in the URL
 * @param password          password for PostgreSQL, when not in the URL; never logged
 * @param maxConnections    PostgreSQL pool size; on SQLite the number of reading connections (one more
 *                          connection writes)
 * @param connectionTimeout how long a caller waits for a pooled connection before failing
 * @param busyTimeout       SQLite only: how long a statement waits for a lock held by another process
 * @param sqliteSynchronous SQLite only: {@code full} (a commit survives power loss) or {@code normal}
 *                          (faster; a commit survives a crash of the server but not of the machine)
 */
public record StorageConfig(String url,
                            Optional<String> username,
                            Optional<String> password,
                            int maxConnections,
                            Duration connectionTimeout,
                            Duration busyTimeout,
                            String sqliteSynchronous) {

    /** Every key the section may hold. */
    static final List<String> KEYS = List.of("url", "username", "password", "max_connections",
                                             "connection_timeout", "busy_timeout", "sqlite_synchronous");

    /** Name of the SQLite file under the data directory when no URL is configured. */
    static final String DEFAULT_FILE = "myelin.db";

    private static final int DEFAULT_MAX_CONNECTIONS = 10;
    private static final int LIMIT_MAX_CONNECTIONS = 1000;
    private static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(5);
    // Hikari refuses to wait less than this for a connection.
    private static final Duration MIN_CONNECTION_TIMEOUT = Duration.ofMillis(250);

    /**
     * Describes the configuration without its password or any credential in the URL.
     *
     * @return a description safe to log
     */
    @Override
    public String toString() {
        return "StorageConfig[url=" + JdbcUrls.redact(url)
                + ", username=" + username.orElse("")
                + ", password=" + (password.isPresent() ? "***" : "")
                + ", maxConnections=" + maxConnections
                + ", connectionTimeout=" + connectionTimeout
                + ", busyTimeout=" + busyTimeout
                + ", sqliteSynchronous=" + sqliteSynchronous + "]";
    }

    /**
     * The dialect the URL selects.
     *
     * @return SQLite or PostgreSQL
     */
    public Dialect dialect() {
        return JdbcUrls.dialect(url).orElseThrow();
    }

    /**
     * Reads the section, with defaults for every absent key.
     *
     * @param section the {@code database} section, possibly empty
     * @param dataDir the server's data directory, home of the default SQLite file
     * @return the configuration
     * @throws IllegalArgumentException when the section has problems {@link #verify} reports
     */
    public static StorageConfig create(Config section, Path dataDir) {
        ConfigProblems problems = new ConfigProblems();
        verify(section, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems.list()));
        }
        String url = section.get("url").asString()
                .orElseGet(() -> "jdbc:sqlite:" + dataDir.resolve(DEFAULT_FILE));
        return new StorageConfig(url,
                                 section.get("username").asString().asOptional(),
                                 section.get("password").asString().asOptional(),
                                 section.get("max_connections").asInt().orElse(DEFAULT_MAX_CONNECTIONS),
                                 duration(section.get("connection_timeout")).orElse(DEFAULT_CONNECTION_TIMEOUT),
                                 duration(section.get("busy_timeout")).orElse(DEFAULT_BUSY_TIMEOUT),
                                 section.get("sqlite_synchronous").asString().orElse("full")
                                         .toLowerCase(Locale.ROOT));
    }

    /**
     * Reports every problem of the section: unknown keys, an unsupported URL, numbers and durations out
     * of range.
     *
     * @param section  the {@code database} section, possibly empty
     * @param problems where problems go
     */
    public static void verify(Config section, ConfigProblems problems) {
        problems.unknownKeys(section, KEYS);

        Config url = section.get("url");
        if (url.exists()) {
            String value = url.asString().orElse("");
            if (JdbcUrls.dialect(value).isEmpty()) {
                problems.add(url, "must start with jdbc:sqlite: or jdbc:postgresql://");
            } else if (JdbcUrls.isSqliteInMemory(value)) {
                // Every pooled connection would get its own empty database.
                problems.add(url, "an in-memory SQLite database is not supported; give a file");
            }
        }

        Config max = section.get("max_connections");
        if (max.exists()) {
            try {
                int value = max.asInt().get();
                if (value < 1 || value > LIMIT_MAX_CONNECTIONS) {
                    problems.add(max, "must be between 1 and " + LIMIT_MAX_CONNECTIONS);
                }
            } catch (ConfigException e) {
                problems.add(max, "must be a whole number");
            }
        }

        checkDuration(section.get("connection_timeout"), MIN_CONNECTION_TIMEOUT, problems);
        checkDuration(section.get("busy_timeout"), Duration.ZERO, problems);

        Config sync = section.get("sqlite_synchronous");
        if (sync.exists()) {
            String value = sync.asString().orElse("").toLowerCase(Locale.ROOT);
            if (!value.equals("full") && !value.equals("normal")) {
                problems.add(sync, "must be full or normal");
            }
        }
    }

    private static void checkDuration(Config node, Duration min, ConfigProblems problems) {
        if (!node.exists()) {
            return;
        }
        try {
            Duration value = duration(node).orElseThrow();
            if (value.compareTo(min) < 0) {
                problems.add(node, "must be at least " + min.toMillis() + "ms");
            }
        } catch (IllegalArgumentException | ConfigException e) {
            problems.add(node, "must be a duration such as 500ms, 30s, 2m or PT30S");
        }
    }

    /**
     * Parses a duration as {@link Durations} reads it: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h30m}
     * or ISO-8601.
     *
     * @param node the node
     * @return the duration, empty when the node is absent
     * @throws IllegalArgumentException when the text is no duration
     */
    static Optional<Duration> duration(Config node) {
        return node.asString().asOptional().map(Durations::parse);
    }

}
