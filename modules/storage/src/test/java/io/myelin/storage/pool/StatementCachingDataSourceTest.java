package io.myelin.storage.pool;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatementCachingDataSourceTest {

    private static final String INSERT = "INSERT INTO t (v) VALUES (?) RETURNING id";
    private static final String SELECT = "SELECT v FROM t WHERE id = ?";

    @TempDir
    Path dir;

    private StatementCachingDataSource source;

    @BeforeEach
    void createTable() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("journal_mode", "WAL");
        source = new StatementCachingDataSource("jdbc:sqlite:" + dir.resolve("kept.db"), properties);
        try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
        }
    }

    @Test
    void aClosedStatementIsReusedWithFreshParametersAcrossTransactions() throws SQLException {
        try (Connection c = source.getConnection()) {
            c.setAutoCommit(false);
            PreparedStatement first = c.prepareStatement(INSERT);
            long a = insert(first, "a");
            c.commit();
            PreparedStatement second = c.prepareStatement(INSERT);
            assertSame(first, second);
            long b = insert(second, "b");
            c.commit();

            assertEquals("a", select(c, a));
            assertEquals("b", select(c, b));
            PreparedStatement unbound = c.prepareStatement(SELECT);
            // The parameters of its last use were cleared: unbound, the id is null and matches nothing.
            try (ResultSet none = unbound.executeQuery()) {
                assertFalse(none.next());
            }
            unbound.close();
        }
    }

    @Test
    void aStatementLeftWithUnreadRowsIsResetSoThatTheTransactionCommits() throws SQLException {
        try (Connection c = source.getConnection()) {
            c.setAutoCommit(false);
            for (int i = 0; i < 3; i++) {
                PreparedStatement insert = c.prepareStatement("INSERT INTO t (v) VALUES (?), (?) RETURNING id");
                insert.setString(1, "x" + i);
                insert.setString(2, "y" + i);
                ResultSet ids = insert.executeQuery();
                assertTrue(ids.next());
                // One of two rows read, neither the result set nor the statement closed by the caller's code
                // but by close(): an INSERT ... RETURNING still stepping would make the commit fail.
                insert.close();
                c.commit();
            }
        }
        try (Connection c = source.getConnection(); Statement s = c.createStatement();
             ResultSet count = s.executeQuery("SELECT count(*) FROM t")) {
            assertTrue(count.next());
            assertEquals(6, count.getInt(1));
        }
    }

    @Test
    void aStatementInUseIsNotHandedOutTwice() throws SQLException {
        try (Connection c = source.getConnection()) {
            long a = insert(c.prepareStatement(INSERT), "a");
            long b = insert(c.prepareStatement(INSERT), "b");
            PreparedStatement outer = c.prepareStatement(SELECT);
            outer.setLong(1, a);
            try (ResultSet rows = outer.executeQuery()) {
                PreparedStatement inner = c.prepareStatement(SELECT);
                assertNotSame(outer, inner);
                assertEquals("b", selectWith(inner, b));
                assertTrue(rows.next());
                assertEquals("a", rows.getString(1));
            }
            outer.close();
            assertSame(outer, c.prepareStatement(SELECT));
        }
    }

    @Test
    void keptStatementsCloseWithTheirConnection() throws SQLException {
        PreparedStatement kept;
        try (Connection c = source.getConnection()) {
            kept = c.prepareStatement(SELECT);
            assertFalse(kept.isClosed());
            kept.close();
            assertTrue(kept.isClosed());
        }
        assertThrows(SQLException.class, kept::executeQuery);
    }

    private static long insert(PreparedStatement insert, String value) throws SQLException {
        insert.setString(1, value);
        try (ResultSet id = insert.executeQuery()) {
            assertTrue(id.next());
            return id.getLong(1);
        } finally {
            insert.close();
        }
    }

    private static String select(Connection c, long id) throws SQLException {
        return selectWith(c.prepareStatement(SELECT), id);
    }

    private static String selectWith(PreparedStatement select, long id) throws SQLException {
        select.setLong(1, id);
        try (ResultSet row = select.executeQuery()) {
            assertTrue(row.next());
            return row.getString(1);
        } finally {
            select.close();
        }
    }
}
