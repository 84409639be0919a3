package io.myelin.server.client;

import static io.myelin.server.client.ClientServer.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import io.myelin.server.TestHomeserver.Reply;
import io.myelin.server.client.ClientServer.User;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that retries a send after the server restarted gets the event the first attempt created.
 */
class SendAcrossRestartTest {

    @TempDir
    Path dir;

    @Test
    void retriedSendAfterRestartReturnsTheFirstEventId() throws Exception {
        try (ClientServer server = ClientServer.start(dir)) {
            User alice = server.register("alice");
            Reply created = server.post("/createRoom", alice.token(), "{}");
            assertEquals(200, created.status(), created.raw());
            String path = "/rooms/" + enc(created.string("room_id")) + "/send/m.room.message/once";
            String body = "{\"msgtype\":\"m.text\",\"body\":\"hello\"}";
            Reply first = server.put(path, alice.token(), body);
            assertEquals(200, first.status(), first.raw());
            server.restart();
            Reply retry = server.put(path, alice.token(), body);
            assertEquals(200, retry.status(), retry.raw());
            assertEquals(first.string("event_id"), retry.string("event_id"));
        }
    }
}
