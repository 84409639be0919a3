package io.myelin.server.sync;

import java.nio.file.Path;
import java.util.List;

import io.myelin.server.TestHomeserver;

/**
 * The server the to-device and device-list tests talk to: a {@link TestHomeserver} whose users know their
 * device.
 */
final class DeviceServer extends TestHomeserver {

    static final String SERVER_NAME = "test.local";

    /** A logged-in device of a user. */
    record User(String userId, String deviceId, String token) {
    }

    private DeviceServer(Path dir, Backend backend) throws Exception {
        super(dir, backend, SERVER_NAME, "", List.of());
    }

    static DeviceServer start(Path dir, Backend backend) throws Exception {
        return new DeviceServer(dir, backend);
    }

    User register(String name) throws Exception {
        Reply done = register(name, "pw-" + name);
        return new User(done.string("user_id"), done.string("device_id"), done.string("access_token"));
    }

    /** Logs the user in again, which gives a new device. */
    User login(User user) throws Exception {
        String local = user.userId().substring(1, user.userId().indexOf(':'));
        Reply reply = login(local, "pw-" + local, "");
        return new User(user.userId(), reply.string("device_id"), reply.string("access_token"));
    }
}
