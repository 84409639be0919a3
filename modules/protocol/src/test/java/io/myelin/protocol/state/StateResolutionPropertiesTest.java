package io.myelin.protocol.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.auth.AuthResult;
import io.myelin.protocol.auth.AuthRules;
import io.myelin.protocol.auth.StateKey;
import io.myelin.protocol.event.EventView;
import io.myelin.protocol.testing.RandomRoom;
import io.myelin.protocol.testing.Room;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Properties of state resolution over generated forked rooms, for every room version and many seeds. */
class StateResolutionPropertiesTest {

    private static final int SEEDS = 25;

    @TestFactory
    Stream<DynamicTest> resultDoesNotDependOnInputOrder() {
        return forEachRoom((version, seed) -> {
            List<Room> branches = RandomRoom.generate(version, seed, 3);
            List<Map<StateKey, String>> states = RandomRoom.states(branches);
            Map<StateKey, String> expected = resolve(version, states, branches.getFirst());

            Random random = new Random(seed);
            for (int round = 0; round < 3; round++) {
                List<Map<StateKey, String>> shuffled = new ArrayList<>();
                for (Map<StateKey, String> state : states) {
                    shuffled.add(reinserted(state, random));
                }
                Collections.shuffle(shuffled, random);
                assertEquals(expected, resolve(version, shuffled, branches.getFirst()), "seed " + seed);
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> singleStateResolvesToItself() {
        return forEachRoom((version, seed) -> {
            List<Room> branches = RandomRoom.generate(version, seed, 1);
            Map<StateKey, String> state = branches.getFirst().state();

            assertEquals(state, resolve(version, List.of(state), branches.getFirst()));
            assertEquals(state, resolve(version, List.of(state, Map.copyOf(state)), branches.getFirst()));
        });
    }

    @TestFactory
    Stream<DynamicTest> unconflictedStateIsKeptAndNothingComesFromOutsideTheInputs() {
        return forEachRoom((version, seed) -> {
            List<Room> branches = RandomRoom.generate(version, seed, 2 + (int) (seed % 2));
            List<Map<StateKey, String>> states = RandomRoom.states(branches);
            Room events = branches.getFirst();
            Map<StateKey, String> resolved = resolve(version, states, events);

            Set<String> allowedSources = new HashSet<>();
            for (Map<StateKey, String> state : states) {
                allowedSources.addAll(state.values());
                allowedSources.addAll(AuthGraph.authChain(events.source(), state.values(), Set.of()));
            }
            for (Map.Entry<StateKey, String> entry : resolved.entrySet()) {
                assertTrue(allowedSources.contains(entry.getValue()), "seed " + seed + ": " + entry);
            }
            if (version != RoomVersion.V1) {
                StatePartition partition = StatePartition.of(states);
                partition.unconflicted().forEach((key, id) ->
                        assertEquals(id, resolved.get(key), "seed " + seed + ": unconflicted " + key + " lost"));
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> generatedRoomsHaveConflictsWorthResolving() {
        return Stream.of(RoomVersion.values()).map(version -> DynamicTest.dynamicTest("room version "
                + version.id(), () -> {
                    int conflicted = 0;
                    int powerConflicts = 0;
                    int rejections = 0;
                    for (long seed = 1; seed <= SEEDS; seed++) {
                        List<Room> branches = RandomRoom.generate(version, seed, 3);
                        StatePartition partition = StatePartition.of(RandomRoom.states(branches));
                        conflicted += partition.conflicted().isEmpty() ? 0 : 1;
                        powerConflicts += partition.conflictedKeys().contains(StateKey.POWER_LEVELS) ? 1 : 0;
                        int[] rejected = {0};
                        StateResolver.resolve(AuthRules.of(version), RandomRoom.states(branches),
                                branches.getFirst().source(), new ResolutionListener() {
                                    @Override
                                    public void checked(String step, EventView event, AuthResult result) {
                                        rejected[0] += result.allowed() ? 0 : 1;
                                    }
                                });
                        rejections += rejected[0];
                    }
                    assertTrue(conflicted > SEEDS * 3 / 4, "rooms with conflicts: " + conflicted);
                    assertTrue(powerConflicts > SEEDS / 4, "rooms with conflicting power levels: " + powerConflicts);
                    assertTrue(rejections > 0, "no event was ever rejected during resolution");
                }));
    }

    private interface RoomCheck {
        void run(RoomVersion version, long seed);
    }

    private static Stream<DynamicTest> forEachRoom(RoomCheck check) {
        return Stream.of(RoomVersion.values()).flatMap(version -> Stream.iterate(1L, s -> s + 1).limit(SEEDS)
                .map(seed -> DynamicTest.dynamicTest("room version " + version.id() + " seed " + seed,
                        () -> check.run(version, seed))));
    }

    private static Map<StateKey, String> reinserted(Map<StateKey, String> state, Random random) {
        List<Map.Entry<StateKey, String>> entries = new ArrayList<>(state.entrySet());
        Collections.shuffle(entries, random);
        Map<StateKey, String> copy = new LinkedHashMap<>();
        entries.forEach(e -> copy.put(e.getKey(), e.getValue()));
        return copy;
    }

    private static Map<StateKey, String> resolve(RoomVersion version, List<Map<StateKey, String>> states,
                                                 Room events) {
        return StateResolver.resolve(AuthRules.of(version), states, events.source());
    }
}
