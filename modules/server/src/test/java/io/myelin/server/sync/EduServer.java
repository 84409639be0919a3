package io.myelin.server.sync;

import java.nio.file.Path;
import java.util.List;

import io.myelin.api.Component;
import io.myelin.server.TestHomeserver;

/**
 * The server the typing, receipts, presence and account data tests talk to: a {@link TestHomeserver} with a
 * {@code sync} section of their choosing and optional test components.
 */
final class EduServer extends TestHomeserver {

    static final String SERVER_NAME = "test.local";

    /** A registered user. */
    record User(String userId, String token) {
    }

    private EduServer(Path dir, Backend backend, String sync, List<Component> extra) throws Exception {
        super(dir, backend, SERVER_NAME, sync.isEmpty() ? "" : "sync:\n" + sync, extra);
    }

    /**
     * Starts a server.
     *
     * @param dir     a temporary directory
     * @param backend the database
     * @param sync    the {@code sync} section's body, indented by two spaces, or empty
     * @param extra   added test components
     */
    static EduServer start(Path dir, Backend backend, String sync, List<Component> extra) throws Exception {
        return new EduServer(dir, backend, sync, extra);
    }

    User register(String name) throws Exception {
        Reply done = register(name, "pw-" + name);
        return new User(done.string("user_id"), done.string("access_token"));
    }
}
