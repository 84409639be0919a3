package io.myelin.server.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.myelin.api.Component;
import io.myelin.api.ComponentContext;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.server.TestHomeserver;

/**
 * The server the sync core tests talk to: a {@link TestHomeserver} named {@code sync.test} whose users have one
 * access token each.
 */
final class SyncServer extends TestHomeserver {

    /** A registered user with one access token. */
    record User(String userId, String token) {
    }

    /** Hands the tests the roomserver the server wired, as a component that needs it gets it. */
    private record RoomserverHandle(AtomicReference<RoomserverApi> api) implements Component {
        @Override
        public String name() {
            return "roomserver-handle";
        }

        @Override
        public Set<Class<?>> needs() {
            return Set.of(RoomserverApi.class);
        }

        @Override
        public void start(ComponentContext context) {
            api.set(context.require(RoomserverApi.class));
        }
    }

    private final AtomicInteger transactions = new AtomicInteger();
    private final AtomicReference<RoomserverApi> roomserver;

    private SyncServer(Path dir, Backend backend, AtomicReference<RoomserverApi> roomserver) throws Exception {
        super(dir, backend, "sync.test", "", List.of(new RoomserverHandle(roomserver)));
        this.roomserver = roomserver;
    }

    static SyncServer start(Path dir, Backend backend) throws Exception {
        return new SyncServer(dir, backend, new AtomicReference<>());
    }

    /** @return the roomserver, for what only another server would do (send an invite over federation) */
    RoomserverApi roomserver() {
        return roomserver.get();
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

    /** Creates a room; the call must succeed. */
    String createRoom(User creator, String body) throws Exception {
        Reply reply = post("/createRoom", creator.token(), body);
        assertEquals(200, reply.status(), reply.raw());
        return reply.string("room_id");
    }

    /** Sends a text message with a fresh transaction id; the call must succeed. */
    String send(User sender, String roomId, String text) throws Exception {
        return sendTxn(sender, roomId, text, "t" + transactions.incrementAndGet());
    }

    /** Sends a text message with the given transaction id; the call must succeed. */
    String sendTxn(User sender, String roomId, String text, String txnId) throws Exception {
        Reply reply = put("/rooms/" + enc(roomId) + "/send/m.room.message/" + txnId, sender.token(),
                "{\"msgtype\":\"m.text\",\"body\":\"" + text + "\"}");
        assertEquals(200, reply.status(), reply.raw());
        return reply.string("event_id");
    }

    /** Sends a state event with an empty state key; the call must succeed. */
    String state(User sender, String roomId, String type, String content) throws Exception {
        Reply reply = put("/rooms/" + enc(roomId) + "/state/" + type + "/", sender.token(), content);
        assertEquals(200, reply.status(), reply.raw());
        return reply.string("event_id");
    }

    /** A membership action ({@code invite}, {@code kick}, {@code leave}, ...) on a target, or on oneself. */
    void act(User actor, String roomId, String action, User target) throws Exception {
        Reply reply = post("/rooms/" + enc(roomId) + "/" + action, actor.token(),
                target == null ? "{}" : "{\"user_id\":\"" + target.userId() + "\"}");
        assertEquals(200, reply.status(), reply.raw());
    }

    /** Joins a room by id; the call must succeed. */
    void join(User user, String roomId) throws Exception {
        Reply reply = post("/join/" + enc(roomId), user.token(), "{}");
        assertEquals(200, reply.status(), reply.raw());
    }

    /** A {@code /sync} with the given query string; the call must succeed. */
    Reply sync(User user, String query) throws Exception {
        Reply reply = get("/sync" + query, user.token());
        assertEquals(200, reply.status(), reply.raw());
        return reply;
    }

    /** Syncs with long polls until an event id appears somewhere in a response; returns the batch after it. */
    String settle(User user, String eventId) throws Exception {
        Reply initial = sync(user, "");
        String since = initial.string("next_batch");
        String body = initial.raw();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!body.contains(eventId)) {
            if (System.nanoTime() > deadline) {
                fail("event " + eventId + " never reached " + user.userId() + "'s sync");
            }
            Reply reply = sync(user, "?timeout=5000&since=" + since);
            body = reply.raw();
            since = reply.string("next_batch");
        }
        return since;
    }
}
