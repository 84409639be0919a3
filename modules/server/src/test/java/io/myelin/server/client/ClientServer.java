package io.myelin.server.client;

import java.nio.file.Path;
import java.util.List;

import io.myelin.server.TestHomeserver;

/**
 * The server the client tests talk to: a {@link TestHomeserver} with users who have one access token each.
 */
final class ClientServer extends TestHomeserver {

    static final String SERVER_NAME = "test.local";

    /** A registered user. */
    record User(String userId, String token) {
    }

    private ClientServer(Path dir, Backend backend) throws Exception {
        super(dir, backend, SERVER_NAME, "", List.of());
    }

    static ClientServer start(Path dir) throws Exception {
        return start(dir, Backend.SQLITE);
    }

    /**
     * Starts a server on SQLite in {@code dir}, or on a fresh PostgreSQL database that {@link #close} drops.
     */
    static ClientServer start(Path dir, Backend backend) throws Exception {
        return new ClientServer(dir, backend);
    }

    User register(String name) throws Exception {
        Reply done = register(name, "pw-" + name);
        return new User(done.string("user_id"), done.string("access_token"));
    }

    /** Logs the user in again, which gives a second device. */
    User login(User user) throws Exception {
        String local = user.userId().substring(1, user.userId().indexOf(':'));
        return new User(user.userId(), login(local, "pw-" + local, "").string("access_token"));
    }
}
