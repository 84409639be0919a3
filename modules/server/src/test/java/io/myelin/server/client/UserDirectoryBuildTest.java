package io.myelin.server.client;

import static io.myelin.server.client.ClientServer.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.myelin.server.TestHomeserver.Reply;
import io.myelin.server.client.ClientServer.User;

import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

/**
 * The user directory of a server whose rooms existed before its index: the first start of the index fills it
 * from the rooms' current state.
 */
class UserDirectoryBuildTest {

    @Test
    void anEmptyIndexIsBuiltFromTheRoomsOnStart() throws Exception {
        Path dir = Files.createTempDirectory("myelin-userdir-build-");
        try (ClientServer server = ClientServer.start(dir)) {
            User alice = server.register("build_alice");
            User bob = server.register("build_bob");
            User carol = server.register("build_carol");
            Reply room = server.post("/createRoom", alice.token(), "{\"preset\":\"public_chat\"}");
            String roomId = room.string("room_id");
            assertEquals(200, server.post("/join/" + enc(roomId), bob.token(), "{}").status());
            String closed = server.post("/createRoom", carol.token(), "{}").string("room_id");
            assertEquals(200, server.put("/rooms/" + enc(closed) + "/state/m.room.member/" + enc(carol.userId()),
                    carol.token(), "{\"membership\":\"join\",\"displayname\":\"Carol Build\"}").status());
            List<String> before = List.of(carol.userId(), alice.userId(), bob.userId());
            assertEquals(before, awaitFound(server, carol, "build", before));

            // As if the index had come with an upgrade: every row gone, every event already consumed.
            server.stop();
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("data/myelin.db"));
                 Statement s = c.createStatement()) {
                for (String table : List.of("client_user_directory", "client_user_directory_words",
                        "client_user_directory_rooms", "client_user_directory_members",
                        "client_user_directory_ready")) {
                    s.executeUpdate("DELETE FROM " + table);
                }
            }
            server.startAgain();

            assertEquals(before, found(server, carol, "build"));
            assertEquals(List.of(carol.userId()), found(server, carol, "carol build"));
            assertEquals(List.of(alice.userId(), bob.userId()), found(server, alice, "build"));
            assertEquals(List.of(), found(server, alice, "carol"));
        }
    }

    private static List<String> found(ClientServer server, User searcher, String term) throws Exception {
        Reply reply = server.post("/user_directory/search", searcher.token(), "{\"search_term\":\"" + term + "\"}");
        assertEquals(200, reply.status(), reply.raw());
        List<String> ids = new ArrayList<>();
        for (JsonValue result : reply.json().getJsonArray("results")) {
            ids.add(result.asJsonObject().getString("user_id"));
        }
        return ids;
    }

    private static List<String> awaitFound(ClientServer server, User searcher, String term, List<String> expected)
            throws Exception {
        long deadline = System.currentTimeMillis() + 15_000;
        List<String> ids = found(server, searcher, term);
        while (!ids.equals(expected) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
            ids = found(server, searcher, term);
        }
        return ids;
    }
}
