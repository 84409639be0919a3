package io.myelin.server.sync;

import java.nio.file.Path;
import java.util.List;

import io.myelin.server.TestHomeserver;

/**
 * The server the sync core tests talk to: a {@link TestHomeserver} named {@code sync.test} whose users have one
 * access token each.
 */
final class SyncServer extends TestHomeserver {

    /** A registered user with one access token. */
    record User(String userId, String token) {
    }

    private SyncServer(Path dir, Backend backend) throws Exception {
        super(dir, backend, "sync.test", "", List.of());
    }

    static SyncServer start(Path dir, Backend backend) throws Exception {
        return new SyncServer(dir, backend);
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
