package io.myelin.storage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.myelin.api.storage.Database;
import io.myelin.api.storage.Dialect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static io.myelin.storage.MigrationsTest.count;
import static io.myelin.storage.MigrationsTest.files;
import static io.myelin.storage.MigrationsTest.migrations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WriteTest {

    private static final String SCHEMA = """
            CREATE TABLE test_counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);
            INSERT INTO test_counter (id, n) VALUES (1, 0);
            CREATE TABLE test_log (writer INTEGER NOT NULL, seq INTEGER NOT NULL);
            CREATE TABLE test_parent (id INTEGER PRIMARY KEY);
            CREATE TABLE test_child (id INTEGER PRIMARY KEY, parent INTEGER NOT NULL REFERENCES test_parent (id));
            """;
    private static final long WAIT_SECONDS = 30;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Backend.class)
    void writeCommitsBeforeItReturns(Backend backend) throws Exception {
        try (Fixture fixture = start(backend)) {
            Database db = fixture.database();

            long inserted = db.write(tx -> tx.insert("INSERT INTO test_log (writer, seq) VALUES (?, ?)", 1, 1));

            assertEquals(1L, inserted);
            assertEquals(1L, count(db, "test_log"));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void writeThatRunsNoStatementReturnsQuietly(Backend backend) throws Exception {
        try (Fixture fixture = start(backend)) {
            Database db = fixture.database();
            List<String> warnings = new CopyOnWriteArrayList<>();
            Handler handler = new Handler() {
                @Override
                public void publish(LogRecord record) {
                    if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                        warnings.add(record.getMessage());
                    }
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            };
            Logger helidon = Logger.getLogger("io.helidon.dbclient");
            helidon.addHandler(handler);
            try {
                assertEquals("nothing to do", db.write(tx -> "nothing to do"));
                assertThrows(IllegalStateException.class, () -> db.write(tx -> {
                    throw new IllegalStateException("gave up before writing");
                }));
            } finally {
                helidon.removeHandler(handler);
            }

            assertEquals(List.of(), warnings);
            db.write(tx -> tx.insert("INSERT INTO test_log (writer, seq) VALUES (?, ?)", 1, 1));
            assertEquals(1L, count(db, "test_log"));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void writeThatThrowsRollsBackEverything(Backend backend) throws Exception {
        try (Fixture fixture = start(backend)) {
            Database db = fixture.database();

            assertThrows(IllegalArgumentException.class, () -> db.write(tx -> {
                tx.insert("INSERT INTO test_log (writer, seq) VALUES (?, ?)", 1, 1);
                tx.update("UPDATE test_counter SET n = n + 1 WHERE id = 1");
                throw new IllegalArgumentException("changed my mind");
            }));

            assertEquals(0L, count(db, "test_log"));
            assertEquals(0L, counter(db));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void failedStatementRollsBackTheWholeWrite(Backend backend) throws Exception {
        try (Fixture fixture = start(backend)) {
            Database db = fixture.database();

            assertThrows(RuntimeException.class, () -> db.write(tx -> {
                tx.insert("INSERT INTO test_log (writer, seq) VALUES (?, ?)", 1, 1);
                return tx.insert("INSERT INTO test_missing (x) VALUES (1)");
            }));

            assertEquals(0L, count(db, "test_log"));
            // The writer is free again afterwards.
            db.write(tx -> tx.insert("INSERT INTO test_log (writer, seq) VALUES (?, ?)", 2, 1));
            assertEquals(1L, count(db, "test_log"));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void nestedWriteJoinsTheEnclosingTransaction(Backend backend) throws Exception {
        try (Fixture fixture = start(backend)) {
            Database db = fixture.database();

            assertThrows(IllegalStateException.class, () -> db.write(tx -> {
                tx.insert("INSERT INTO test_log (writer, seq) VALUES (?, ?)", 1, 1);
                db.write(inner -> inner.insert("INSERT INTO test_log (writer, seq) VALUES (?, ?)", 1, 2));
                throw new IllegalStateException("outer fails after the inner write returned");
            }));

            assertEquals(0L, count(db, "test_log"));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void afterCommitActionsSeeTheCommittedWrite(Backend backend) throws Exception {
        try (Fixture fixture = start(backend)) {
            Database db = fixture.database();
            List<Long> seen = new CopyOnWriteArrayList<>();

            db.write(tx -> {
                tx.insert("INSERT INTO test_log (writer, seq) VALUES (?, ?)", 1, 1);
                // Registered in a nested write: still waits for the outermost commit.
                db.write(inner -> {
                    db.afterCommit(() -> seen.add(count(db, "test_log")));
                    return inner.insert("INSERT INTO test_log (writer, seq) VALUES (?, ?)", 1, 2);
                });
                assertEquals(List.of(), seen, "ran before the commit");
                return null;
            });

            assertEquals(List.of(2L), seen);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void afterCommitActionsOfARolledBackWriteNeverRun(Backend backend) throws Exception {
        try (Fixture fixture = start(backend)) {
            Database db = fixture.database();
            List<String> ran = new CopyOnWriteArrayList<>();

            assertThrows(IllegalStateException.class, () -> db.write(tx -> {
                tx.insert("INSERT INTO test_log (writer, seq) VALUES (?, ?)", 1, 1);
                db.afterCommit(() -> ran.add("rolled back"));
                throw new IllegalStateException("abandon");
            }));
            db.afterCommit(() -> ran.add("outside any write"));
            db.write(tx -> {
                db.afterCommit(() -> {
                    throw new IllegalArgumentException("a failing action does not fail the write");
                });
                db.afterCommit(() -> ran.add("after a failing action"));
                return tx.insert("INSERT INTO test_log (writer, seq) VALUES (?, ?)", 2, 1);
            });

            assertEquals(List.of("outside any write", "after a failing action"), ran);
            assertEquals(1L, count(db, "test_log"));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void foreignKeysAreEnforced(Backend backend) throws Exception {
        try (Fixture fixture = start(backend)) {
            Database db = fixture.database();

            assertThrows(RuntimeException.class,
                         () -> db.write(tx -> tx.insert("INSERT INTO test_child (id, parent) VALUES (1, 99)")));

            assertEquals(0L, count(db, "test_child"));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void concurrentWritersAllSucceedAndLoseNoUpdate(Backend backend) throws Exception {
        int writers = 8;
        int writesEach = 25;
        try (Fixture fixture = start(backend); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Database db = fixture.database();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < writesEach; i++) {
                        int seq = i;
                        db.write(tx -> {
                            tx.insert("INSERT INTO test_log (writer, seq) VALUES (?, ?)", writer, seq);
                            return tx.update("UPDATE test_counter SET n = n + 1 WHERE id = 1");
                        });
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> future : done) {
                future.get(WAIT_SECONDS, TimeUnit.SECONDS);
            }

            assertEquals((long) writers * writesEach, count(db, "test_log"));
            assertEquals((long) writers * writesEach, counter(db));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void concurrentWritersThatFailUndoOnlyTheirOwnWritesAndTheOthersAreCommittedOnReturn(Backend backend)
            throws Exception {
        int writers = 16;
        int writesEach = 20;
        try (Fixture fixture = start(backend); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Database db = fixture.database();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            List<String> notVisible = new CopyOnWriteArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < writesEach; i++) {
                        int seq = i;
                        // Every third write fails after its statements: by throwing, or by a failing statement.
                        int kind = (writer + seq) % 6;
                        try {
                            db.write(tx -> {
                                tx.insert("INSERT INTO test_log (writer, seq) VALUES (?, ?)", writer, seq);
                                tx.update("UPDATE test_counter SET n = n + 1 WHERE id = 1");
                                if (kind == 0) {
                                    throw new IllegalArgumentException("changed my mind");
                                }
                                if (kind == 3) {
                                    tx.insert("INSERT INTO test_missing (x) VALUES (1)");
                                }
                                return null;
                            });
                        } catch (RuntimeException e) {
                            if (kind != 0 && kind != 3) {
                                throw e;
                            }
                            continue;
                        }
                        if (kind == 0 || kind == 3) {
                            throw new AssertionError("a failing write returned");
                        }
                        // Committed before it returned: another connection sees it at once.
                        long seen = db.client().execute().get("SELECT COUNT(*) AS c FROM test_log"
                                + " WHERE writer = ? AND seq = ?", writer, seq).orElseThrow().column("c").getLong();
                        if (seen != 1) {
                            notVisible.add(writer + "/" + seq);
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> future : done) {
                future.get(WAIT_SECONDS, TimeUnit.SECONDS);
            }

            long failing = 0;
            for (int w = 0; w < writers; w++) {
                for (int i = 0; i < writesEach; i++) {
                    int kind = (w + i) % 6;
                    failing += kind == 0 || kind == 3 ? 1 : 0;
                }
            }
            long committed = (long) writers * writesEach - failing;
            assertEquals(List.of(), notVisible);
            assertEquals(committed, count(db, "test_log"));
            assertEquals(committed, counter(db));
            assertEquals(0L, db.client().execute().get("SELECT COUNT(*) AS c FROM test_log WHERE"
                    + " (writer + seq) % 6 IN (0, 3)").orElseThrow().column("c").getLong());
        }
    }

    @Test
    void sqliteWritersAreSerialisedSoReadModifyWriteLosesNothing() throws Exception {
        // Read, then write what was read plus one: only correct if no other writer runs in between.
        int writers = 6;
        int writesEach = 20;
        try (Fixture fixture = start(Backend.SQLITE); ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            Database db = fixture.database();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < writesEach; i++) {
                        db.write(tx -> {
                            long n = tx.get("SELECT n FROM test_counter WHERE id = 1")
                                    .orElseThrow().column("n").getLong();
                            return tx.update("UPDATE test_counter SET n = ? WHERE id = 1", n + 1);
                        });
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> future : done) {
                future.get(WAIT_SECONDS, TimeUnit.SECONDS);
            }

            assertEquals((long) writers * writesEach, counter(db));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void readsDoNotWaitForAnOpenWrite(Backend backend) throws Exception {
        try (Fixture fixture = start(backend); ExecutorService pool = Executors.newSingleThreadExecutor()) {
            Database db = fixture.database();
            CountDownLatch written = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Future<Long> writer = pool.submit(() -> db.write(tx -> {
                tx.insert("INSERT INTO test_log (writer, seq) VALUES (?, ?)", 1, 1);
                written.countDown();
                await(release);
                return 1L;
            }));
            assertTrue(written.await(WAIT_SECONDS, TimeUnit.SECONDS), "the writer never wrote");

            // The writer holds its transaction open; a read still answers, without its row.
            try {
                assertEquals(0L, count(db, "test_log"));
            } finally {
                release.countDown();
            }

            writer.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(1L, count(db, "test_log"));
        }
    }

    @Test
    void sqliteRunsInWalModeWithForeignKeysBusyTimeoutAndFullSync() throws Exception {
        try (Fixture fixture = start(Backend.SQLITE)) {
            Database db = fixture.database();

            assertEquals(Dialect.SQLITE, db.dialect());
            assertEquals("wal", db.client().execute().get("PRAGMA journal_mode")
                    .orElseThrow().column(1).getString().toLowerCase(Locale.ROOT));
            assertEquals(1L, db.client().execute().get("PRAGMA foreign_keys")
                    .orElseThrow().column(1).getLong());
            assertEquals(5000L, db.client().execute().get("PRAGMA busy_timeout")
                    .orElseThrow().column(1).getLong());
            // 2 is FULL: a commit is on disk before write() returns.
            long sync = db.write(tx -> tx.get("PRAGMA synchronous").orElseThrow().column(1).getLong());
            assertEquals(2L, sync);
        }
    }

    private Fixture start(Backend backend) throws Exception {
        Fixture fixture = Fixture.start(backend, dir);
        fixture.database().migrate(migrations("test", files("001-schema.sql", SCHEMA)));
        return fixture;
    }

    private static long counter(Database db) {
        return db.client().execute().get("SELECT n FROM test_counter WHERE id = 1")
                .orElseThrow().column("n").getLong();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
