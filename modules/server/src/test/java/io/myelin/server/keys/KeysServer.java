package io.myelin.server.keys;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.myelin.api.Component;
import io.myelin.server.TestHomeserver;

/**
 * The server the key tests talk to: a {@link TestHomeserver} whose users log in as named devices, with optional
 * test components.
 */
final class KeysServer extends TestHomeserver {

    static final String SERVER_NAME = "test.local";
    private static final AtomicInteger NAMES = new AtomicInteger();

    /** A logged-in device. */
    record Session(String userId, String deviceId, String token, String password) {
        String localpart() {
            return userId.substring(1, userId.indexOf(':'));
        }
    }

    private KeysServer(Path dir, Backend backend, List<Component> extra) throws Exception {
        super(dir, backend, SERVER_NAME, "", extra);
    }

    static KeysServer start(Path dir, Backend backend, List<Component> extra) throws Exception {
        return new KeysServer(dir, backend, extra);
    }

    Reply post(String path, Session who, Object body) throws IOException, InterruptedException {
        return post(path, who.token(), body.toString());
    }

    Reply put(String path, Session who, Object body) throws IOException, InterruptedException {
        return put(path, who.token(), body.toString());
    }

    Reply get(String path, Session who) throws IOException, InterruptedException {
        return get(path, who.token());
    }

    Reply delete(String path, Session who) throws IOException, InterruptedException {
        return delete(path, who.token());
    }

    /** Registers a new user and logs in as the named device. */
    Session newUser(String deviceId, String deviceName) throws Exception {
        String name = "key" + NAMES.incrementAndGet() + "_" + ProcessHandle.current().pid();
        String password = "pw-" + name;
        Reply done = register(name, password);
        return login(new Session(done.string("user_id"), null, null, password), deviceId, deviceName);
    }

    /** Logs the user in again as another device. */
    Session login(Session user, String deviceId, String deviceName) throws Exception {
        Reply reply = login(user.localpart(), user.password(),
                "\"device_id\":\"%s\",\"initial_device_display_name\":\"%s\"".formatted(deviceId, deviceName));
        return new Session(user.userId(), reply.string("device_id"), reply.string("access_token"), user.password());
    }
}
