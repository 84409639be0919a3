package io.myelin.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code myelin resolve-state}, run through the command line as an operator would. */
class ResolveStateCommandTest {

    private static final String ALICE = "@alice:example.org";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void resolvesTwoForksAndExplainsTheRejectedJoin() throws Exception {
        writeRoom();

        int status = run("resolve-state", "--room-version", "2", "--events", file("events.json"),
                "--state", file("a.json"), "--state", file("b.json"), "--explain");

        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals("{\"m.room.create\":{\"\":\"$1:example.org\"},\"m.room.join_rules\":{\"\":\"$5:example.org\"},"
                + "\"m.room.member\":{\"" + ALICE + "\":\"$2:example.org\"},"
                + "\"m.room.power_levels\":{\"\":\"$3:example.org\"}}", lines[0]);
        assertTrue(List.of(lines).stream().anyMatch(l -> l.contains("$6:evil.org") && l.contains("rejected")),
                out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void unknownEventIsReportedWithItsFile() throws Exception {
        writeRoom();
        Files.writeString(dir.resolve("bad.json"), "[\"$1:example.org\", \"$nope:example.org\"]");

        int status = run("resolve-state", "--room-version", "2", "--events", file("events.json"),
                "--state", file("a.json"), "--state", file("bad.json"));

        assertEquals(1, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("bad.json: event $nope:example.org"),
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void missingArgumentsAndUnknownVersionsAreUsageErrors() throws Exception {
        writeRoom();

        assertEquals(2, run("resolve-state", "--events", file("events.json"), "--state", file("a.json")));
        assertEquals(2, run("resolve-state", "--room-version", "99", "--events", file("events.json"),
                "--state", file("a.json")));
    }

    private void writeRoom() throws Exception {
        String events = "[" + String.join(",",
                event(1, ALICE, "m.room.create", "{\"creator\":\"" + ALICE + "\"}"),
                event(2, ALICE, "m.room.member", ALICE, "{\"membership\":\"join\"}", 1),
                event(3, ALICE, "m.room.power_levels", "", "{\"users\":{\"" + ALICE + "\":100}}", 1, 2),
                event(4, ALICE, "m.room.join_rules", "", "{\"join_rule\":\"public\"}", 1, 2, 3),
                event(5, ALICE, "m.room.join_rules", "", "{\"join_rule\":\"invite\"}", 1, 2, 3),
                "{\"event_id\":\"$6:evil.org\",\"room_id\":\"!r:example.org\",\"type\":\"m.room.member\","
                        + "\"state_key\":\"@eve:evil.org\",\"sender\":\"@eve:evil.org\",\"content\":{\"membership\":"
                        + "\"join\"},\"depth\":5,\"origin_server_ts\":6,\"prev_events\":[" + ref(4) + "],"
                        + "\"auth_events\":[" + ref(1) + "," + ref(3) + "," + ref(4) + "],\"hashes\":{},"
                        + "\"signatures\":{}}") + "]";
        Files.writeString(dir.resolve("events.json"), events);
        Files.writeString(dir.resolve("a.json"), "[\"$1:example.org\",\"$2:example.org\",\"$3:example.org\","
                + "\"$5:example.org\"]");
        Files.writeString(dir.resolve("b.json"), "[\"$1:example.org\",\"$2:example.org\",\"$3:example.org\","
                + "\"$4:example.org\",\"$6:evil.org\"]");
    }

    private static String event(int n, String sender, String type, String content) {
        return event(n, sender, type, "", content);
    }

    private static String event(int n, String sender, String type, String stateKey, String content, int... auth) {
        StringBuilder refs = new StringBuilder();
        for (int a : auth) {
            refs.append(refs.isEmpty() ? "" : ",").append(ref(a));
        }
        return "{\"event_id\":\"$" + n + ":example.org\",\"room_id\":\"!r:example.org\",\"type\":\"" + type
                + "\",\"state_key\":\"" + stateKey + "\",\"sender\":\"" + sender + "\",\"content\":" + content
                + ",\"depth\":" + n + ",\"origin_server_ts\":" + n + ",\"prev_events\":["
                + (n == 1 ? "" : ref(n - 1)) + "],\"auth_events\":[" + refs + "],\"hashes\":{},\"signatures\":{}}";
    }

    private static String ref(int n) {
        return "[\"$" + n + ":example.org\",{}]";
    }

    private String file(String name) {
        return dir.resolve(name).toString();
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        return Main.run(List.of(args), new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of());
    }
}
