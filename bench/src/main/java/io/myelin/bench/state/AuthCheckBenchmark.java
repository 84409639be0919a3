package io.myelin.bench.state;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.auth.AuthResult;
import io.myelin.protocol.auth.AuthRules;
import io.myelin.protocol.event.EventView;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The authorization check of one event against its auth events. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AuthCheckBenchmark {

    @Param({"11", "12"})
    private String roomVersion;

    private AuthRules rules;
    private EventView join;
    private EventView message;
    private List<EventView> joinAuth;
    private List<EventView> messageAuth;
    private EventView create;

    @Setup
    public void setUp() {
        RoomVersion version = RoomVersion.of(roomVersion).orElseThrow();
        BenchRoom room = BenchRoom.withMembers(version, 100);
        rules = AuthRules.of(version);
        create = room.events().values().stream().filter(e -> e.type().equals("m.room.create")).findFirst()
                .orElseThrow();
        String newcomer = "@newcomer:bench.example";
        join = room.build(newcomer, "m.room.member", newcomer, BenchRoom.membership("join"));
        message = room.build(BenchRoom.user(7), "m.room.message", null,
                jakarta.json.Json.createObjectBuilder().add("body", "hello").build());
        joinAuth = join.authEventIds().stream().map(id -> (EventView) room.events().get(id)).toList();
        messageAuth = message.authEventIds().stream().map(id -> (EventView) room.events().get(id)).toList();
    }

    @Benchmark
    public AuthResult joinAgainstItsAuthEvents() {
        return rules.checkAgainstAuthEvents(join, joinAuth, create, id -> false);
    }

    @Benchmark
    public AuthResult messageAgainstItsAuthEvents() {
        return rules.checkAgainstAuthEvents(message, messageAuth, create, id -> false);
    }
}
