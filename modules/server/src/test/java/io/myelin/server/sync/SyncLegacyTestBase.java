package io.myelin.server.sync;

import static io.myelin.server.sync.SyncServer.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.myelin.server.TestHomeserver.Reply;
import io.myelin.server.sync.SyncServer.User;

import jakarta.json.JsonArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The deprecated {@code GET /events}, {@code GET /initialSync}, {@code GET /rooms/{roomId}/initialSync} and
 * {@code GET /events/{eventId}} over real HTTP; run once per database by the subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SyncLegacyTestBase {

    private static final AtomicInteger NAMES = new AtomicInteger();

    private SyncServer server;

    abstract SyncServer.Backend backend();

    @BeforeAll
    void start() throws Exception {
        server = SyncServer.start(Files.createTempDirectory("myelin-sync-legacy-"), backend());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private User user() throws Exception {
        return server.register("l" + NAMES.incrementAndGet() + "_" + ProcessHandle.current().pid());
    }

    private String createRoom(User creator, String body) throws Exception {
        Reply reply = server.post("/createRoom", creator.token(), body);
        assertEquals(200, reply.status(), reply.raw());
        return reply.string("room_id");
    }

    private String send(User sender, String roomId, String text) throws Exception {
        Reply reply = server.put("/rooms/" + enc(roomId) + "/send/m.room.message/t" + NAMES.incrementAndGet(),
                sender.token(), "{\"msgtype\":\"m.text\",\"body\":\"" + text + "\"}");
        assertEquals(200, reply.status(), reply.raw());
        return reply.string("event_id");
    }

    private static List<String> ids(JsonArray events) {
        return events.stream().map(e -> e.asJsonObject().getString("event_id")).toList();
    }

    /** Pages through {@code /events} from a token until an event has come; every event id seen, in order. */
    private List<String> eventsUntil(User user, String from, String last) throws Exception {
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String token = from;
        while (!seen.contains(last)) {
            assertTrue(System.nanoTime() < deadline, "only " + seen + " reached /events");
            Reply events = server.get("/events?timeout=1000&from=" + token, user.token());
            assertEquals(200, events.status(), events.raw());
            seen.addAll(ids(events.json().getJsonArray("chunk")));
            token = events.string("end");
        }
        return seen;
    }

    @Test
    void eventsPagesPastEventsTheUserCannotSee() throws Exception {
        User alice = user();
        User bob = user();
        String mine = createRoom(alice, "{}");
        String theirs = createRoom(bob, "{}");
        String from = server.get("/initialSync?limit=0", alice.token()).string("end");
        // More than a page of another room's events, then one of alice's, then a page more, then another.
        for (int i = 0; i < 105; i++) {
            send(bob, theirs, "hidden " + i);
        }
        String first = send(alice, mine, "first");
        for (int i = 0; i < 100; i++) {
            send(bob, theirs, "hidden again " + i);
        }
        String second = send(alice, mine, "second");
        assertEquals(List.of(first, second), eventsUntil(alice, from, second));
    }
}
