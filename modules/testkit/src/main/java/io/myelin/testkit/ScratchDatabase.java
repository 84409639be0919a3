package io.myelin.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A PostgreSQL database made for one test run under a random name, and dropped by {@link #close()}.
 *
 * <p>The database is created and dropped over plain JDBC on the server's admin database, not through the storage
 * component: starting storage there would leave its migration table in that database, and the load drivers run
 * on the class path, where no component is found by {@code ServiceLoader}.
 */
public final class ScratchDatabase implements AutoCloseable {

    private final String adminUrl;
    private final String name;
    private final String url;

    private ScratchDatabase(String adminUrl, String name) {
        this.adminUrl = adminUrl;
        this.name = name;
        this.url = withDatabase(adminUrl, name);
    }

    /**
     * Creates a database on the server of {@code MYELIN_TEST_POSTGRES_URL}; without it the calling test is skipped,
     * or fails under {@code CI=true}.
     *
     * @param prefix the start of the name, such as {@code myelin_sync}; a random suffix follows
     * @return the database
     */
    public static ScratchDatabase create(String prefix) {
        return create(TestServices.postgresUrl(), prefix);
    }

    /**
     * Creates a database on a given server.
     *
     * @param adminUrl a JDBC URL of a database on that server that may create and drop databases
     * @param prefix   the start of the name, such as {@code myelin_load}; a random suffix follows
     * @return the database
     */
    public static ScratchDatabase create(String adminUrl, String prefix) {
        String name = prefix + "_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        execute(adminUrl, "CREATE DATABASE " + name);
        return new ScratchDatabase(adminUrl, name);
    }

    /**
     * @return the database's JDBC URL, for {@code database.url}
     */
    public String url() {
        return url;
    }

    /**
     * @return the database's name
     */
    public String name() {
        return name;
    }

    /** Drops the database, closing the connections still open on it. */
    @Override
    public void close() {
        execute(adminUrl, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    /**
     * The same server and parameters with another database:
     * {@code jdbc:postgresql://host:port/postgres?user=postgres} becomes
     * {@code jdbc:postgresql://host:port/NAME?user=postgres}.
     *
     * @param url  a PostgreSQL JDBC URL, with or without a database and parameters
     * @param name the database to name instead
     * @return the URL
     */
    public static String withDatabase(String url, String name) {
        int hostStart = url.indexOf("//") + 2;
        int query = url.indexOf('?');
        String head = query < 0 ? url : url.substring(0, query);
        String tail = query < 0 ? "" : url.substring(query);
        int slash = head.indexOf('/', hostStart);
        String server = slash < 0 ? head : head.substring(0, slash);
        return server + "/" + name + tail;
    }

    // The URL may carry a password, so only the statement goes into the message.
    private static void execute(String adminUrl, String sql) {
        try (Connection connection = DriverManager.getConnection(adminUrl);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run '" + sql + "' on the PostgreSQL test server", e);
        }
    }
}
