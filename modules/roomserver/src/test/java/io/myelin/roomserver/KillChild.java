package io.myelin.roomserver;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.myelin.api.roomserver.CreateRoomRequest;
import io.myelin.api.roomserver.SendEventRequest;
import jakarta.json.Json;

/**
 * The child process of {@link RoomserverKillTest}: opens the roomserver on a SQLite file, creates a room and sends
 * messages and topic changes into it from several threads until it is killed. It prints {@code ROOM <id>} once
 * and {@code ACK <event id>} for every event whose send returned, that is, whose commit it was told of.
 */
public final class KillChild {

    static final String ALICE = "@alice:" + Harness.SERVER_NAME;
    private static final int SENDERS = 4;

    private KillChild() {
    }

    /**
     * @param args the directory of the database
     * @throws Exception when the roomserver cannot start
     */
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Harness harness = Harness.sqliteIn(Path.of(args[0]), false);
        String roomId = harness.api().createRoom(CreateRoomRequest.simple(ALICE)).roomId();
        out.println("ROOM " + roomId);
        AtomicInteger next = new AtomicInteger();
        long end = System.nanoTime() + 60_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < SENDERS; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                while (System.nanoTime() < end) {
                    int i = next.getAndIncrement();
                    boolean topic = i % 5 == 0;
                    String id = harness.api().sendEvent(new SendEventRequest(roomId, ALICE,
                            topic ? "m.room.topic" : "m.room.message", topic ? "" : null,
                            Json.createObjectBuilder().add(topic ? "topic" : "body", "n" + i).build(), null))
                            .eventId();
                    out.println("ACK " + id);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        // Not reached in the test: the parent kills this process long before.
        harness.close();
    }
}
