package io.myelin.api.storage;

import java.util.function.Function;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;

/**
 * The server's database, SQLite or PostgreSQL, through Helidon DB Client.
 *
 * <p>Every write a client or remote server is told succeeded goes through {@link #write}, which commits
 * before it returns. On SQLite writes are serialised (one writer at a time); reads never wait for them.
 *
 * <p>Rows a transaction has not committed are visible only through that transaction's own
 * {@link DbExecute}, never through {@link #client()}.
 */
public interface Database {

    /**
     * The dialect of this database, for components that keep dialect-specific SQL.
     *
     * @return the dialect
     */
    Dialect dialect();

    /**
     * The Helidon DB Client, for reads and statements that need no transaction. Data changes belong in
     * {@link #write}: on SQLite only it is serialised with the other writers.
     *
     * @return the client
     */
    DbClient client();

    /**
     * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws.
     *
     * <p>Read through the given {@link DbExecute} inside {@code work}, and consume query streams before
     * returning: the transaction ends when {@code work} does. A {@code write} called inside {@code work} on
     * the same thread joins the enclosing transaction and commits or rolls back with it.
     *
     * @param work the work, given the transaction to execute statements in
     * @param <T>  the result type
     * @return what {@code work} returned
     */
    <T> T write(Function<DbExecute, T> work);

    /**
     * Runs {@code action} once the write this thread is inside has committed, or at once when it is in
     * none; dropped if that write rolls back. For work that must only follow durable data, such as
     * waking the consumers of a message just written. The action runs on the writing thread after the
     * write's lock is released; it should be short, and an exception from it is logged, not thrown.
     *
     * @param action what to run after the commit
     */
    default void afterCommit(Runnable action) {
        action.run();
    }

    /**
     * Applies a component's pending migrations, in order, each in its own transaction, and records
     * them. A failing migration throws with the file's name and nothing of it is applied.
     *
     * <p>A file holds statements separated by semicolons and must not manage transactions itself, nor
     * use statements that cannot run inside one (such as {@code VACUUM} or
     * {@code CREATE INDEX CONCURRENTLY}). A file applied once must never change: a different checksum
     * for a recorded file is an error. Call it from {@code start}, never inside {@link #write}.
     *
     * @param migrations the component's migrations
     * @throws IllegalStateException when a file is missing, changed, or fails; the message names it
     */
    void migrate(Migrations migrations);
}
