package io.myelin.bench.state;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.auth.AuthRules;
import io.myelin.protocol.auth.StateKey;
import io.myelin.protocol.state.EventSource;
import io.myelin.protocol.state.StateResolver;
import jakarta.json.Json;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * State resolution of two forks: a room with 100,000 state events where a few keys conflict, and a room
 * with 10,000 state events where the forks disagree on 1,000 events (500 members leave on one side, the
 * other side changes power levels, kicks a user and sets a topic).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class StateResolutionBenchmark {

    @Param({"11", "12"})
    private String roomVersion;

    private AuthRules rules;
    private List<Map<StateKey, String>> largeStates;
    private EventSource largeSource;
    private List<Map<StateKey, String>> forkStates;
    private EventSource forkSource;

    @Setup
    public void setUp() {
        RoomVersion version = RoomVersion.of(roomVersion).orElseThrow();
        rules = AuthRules.of(version);

        BenchRoom large = BenchRoom.withMembers(version, 100_000 - 4);
        BenchRoom largeA = large.fork();
        BenchRoom largeB = large.fork();
        diverge(version, largeA, largeB, 10);
        largeStates = List.of(largeA.state(), largeB.state());
        largeSource = large.source();

        BenchRoom room = BenchRoom.withMembers(version, 10_000 - 4);
        BenchRoom forkA = room.fork();
        BenchRoom forkB = room.fork();
        diverge(version, forkA, forkB, 500);
        forkStates = List.of(forkA.state(), forkB.state());
        forkSource = room.source();

        // Make sure the benchmark measures a merge that really takes both sides.
        expectBothSides(StateResolver.resolve(rules, largeStates, largeSource), largeA, largeB, 10);
        expectBothSides(StateResolver.resolve(rules, forkStates, forkSource), forkA, forkB, 500);
    }

    private static void expectBothSides(Map<StateKey, String> resolved, BenchRoom a, BenchRoom b, int leaves) {
        List<StateKey> fromA = List.of(StateKey.member(BenchRoom.user(0)),
                StateKey.member(BenchRoom.user(leaves - 1)));
        List<StateKey> fromB = List.of(StateKey.POWER_LEVELS, StateKey.member(BenchRoom.user(leaves + 2)),
                new StateKey("m.room.topic", ""));
        for (StateKey key : fromA) {
            if (!a.state().get(key).equals(resolved.get(key))) {
                throw new IllegalStateException("fork A lost " + key);
            }
        }
        for (StateKey key : fromB) {
            if (!b.state().get(key).equals(resolved.get(key))) {
                throw new IllegalStateException("fork B lost " + key);
            }
        }
    }

    /** Fork A: {@code leaves} members leave. Fork B: the admin changes power levels, kicks one, sets a topic. */
    private static void diverge(RoomVersion version, BenchRoom a, BenchRoom b, int leaves) {
        for (int i = 0; i < leaves; i++) {
            String user = BenchRoom.user(i);
            a.add(user, "m.room.member", user, BenchRoom.membership("leave"));
        }
        var users = Json.createObjectBuilder().add(BenchRoom.user(leaves + 1), 50);
        if (!version.v12Rules()) {
            users.add(BenchRoom.ADMIN, 100);
        }
        b.add(BenchRoom.ADMIN, "m.room.power_levels", "", Json.createObjectBuilder().add("users", users)
                .add("state_default", 50).add("ban", 50).add("kick", 50).build());
        b.add(BenchRoom.ADMIN, "m.room.member", BenchRoom.user(leaves + 2), BenchRoom.membership("leave"));
        b.add(BenchRoom.ADMIN, "m.room.topic", "", Json.createObjectBuilder().add("topic", "forked").build());
    }

    @Benchmark
    public Map<StateKey, String> room100kMostlyUnconflicted(CpuTime cpu) {
        long start = CpuTime.THREADS.getCurrentThreadCpuTime();
        Map<StateKey, String> resolved = StateResolver.resolve(rules, largeStates, largeSource);
        cpu.record(start);
        return resolved;
    }

    @Benchmark
    public Map<StateKey, String> room10kWith1kConflicted(CpuTime cpu) {
        long start = CpuTime.THREADS.getCurrentThreadCpuTime();
        Map<StateKey, String> resolved = StateResolver.resolve(rules, forkStates, forkSource);
        cpu.record(start);
        return resolved;
    }

    /**
     * CPU time of the benchmark thread, reported beside wall time because the machines these run on are
     * shared: {@code cpuMicros / resolutions} is the CPU cost of one resolution whatever else runs.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class CpuTime {

        static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

        /** CPU microseconds spent resolving in this iteration. */
        public long cpuMicros;
        /** Resolutions done in this iteration. */
        public long resolutions;

        @Setup(Level.Iteration)
        public void reset() {
            cpuMicros = 0;
            resolutions = 0;
        }

        void record(long startNanos) {
            cpuMicros += (THREADS.getCurrentThreadCpuTime() - startNanos) / 1000;
            resolutions++;
        }
    }
}
