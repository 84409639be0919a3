package io.myelin.protocol.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.auth.StateKey;
import io.myelin.protocol.testing.RandomRoom;
import io.myelin.protocol.testing.Room;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shortcuts of the auth graph walks agree with the spec's definitions computed the long way. */
class AuthGraphTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void authDifferenceIsTheUnionOfFullAuthChainsMinusTheirIntersection(long seed) {
        // A state set's full auth chain holds the set's own events and everything they cite, recursively.
        List<Room> branches = RandomRoom.generate(RoomVersion.V11, seed, 3);
        EventSource source = branches.getFirst().source();
        List<Map<StateKey, String>> states = RandomRoom.states(branches);
        StatePartition partition = StatePartition.of(states);

        Set<String> union = new HashSet<>();
        Set<String> intersection = null;
        for (Map<StateKey, String> state : states) {
            Set<String> chain = AuthGraph.authChain(source, state.values(), Set.of());
            chain.addAll(state.values());
            union.addAll(chain);
            if (intersection == null) {
                intersection = new HashSet<>(chain);
            } else {
                intersection.retainAll(chain);
            }
        }
        union.removeAll(intersection);

        assertEquals(union, source.authChainDifference(partition.conflictedPerSet(), partition.unconflicted()),
                "seed " + seed);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void conflictedSubgraphHoldsExactlyTheEventsOnPathsBetweenConflictedEvents(long seed) {
        List<Room> branches = RandomRoom.generate(RoomVersion.V12, seed, 3);
        Room room = branches.getFirst();
        EventSource source = room.source();
        Set<String> conflicted = StatePartition.of(RandomRoom.states(branches)).conflicted();

        Set<String> expected = new HashSet<>();
        for (String id : room.events().keySet()) {
            Set<String> reachableFrom = new HashSet<>(AuthGraph.authChain(source, List.of(id), Set.of()));
            reachableFrom.add(id);
            boolean reachesConflicted = reachableFrom.stream().anyMatch(conflicted::contains);
            boolean belowConflicted = conflicted.contains(id) || conflicted.stream()
                    .anyMatch(c -> AuthGraph.authChain(source, List.of(c), Set.of()).contains(id));
            if (reachesConflicted && belowConflicted) {
                expected.add(id);
            }
        }

        assertEquals(expected, AuthGraph.conflictedSubgraph(source, conflicted), "seed " + seed);
    }

    @Test
    void conflictedSubgraphReachesBeyondTheConflictedEventsThemselves() {
        // A promotion chain: the middle power levels event lies between two conflicted ones, and so do
        // Bob's join and the join rules, which cite the first power levels and are cited by the last.
        Room room = Room.standard(RoomVersion.V12);
        String rules = room.current("m.room.join_rules", "");
        String bobJoin = room.add(Room.BOB, "m.room.member", Room.BOB, "{'membership':'join'}").eventId();
        String first = room.current("m.room.power_levels", "");
        String middle = room.add(Room.ALICE, "m.room.power_levels", "",
                "{'users':{'" + Room.BOB + "':50},'state_default':50}").eventId();
        String last = room.add(Room.BOB, "m.room.power_levels", "",
                "{'users':{'" + Room.BOB + "':50},'state_default':50,'events':{'m.room.name':40}}").eventId();

        Set<String> subgraph = AuthGraph.conflictedSubgraph(room.source(), new HashSet<>(List.of(first, last)));

        assertEquals(Set.of(first, rules, bobJoin, middle, last), subgraph);
        assertFalse(subgraph.contains(room.createEvent().eventId()), "the create event is below both");
        assertFalse(subgraph.contains(room.current("m.room.member", Room.ALICE)), "Alice joined before");
    }
}
