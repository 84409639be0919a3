package io.myelin.protocol.state;

import static io.myelin.protocol.testing.Room.ALICE;
import static io.myelin.protocol.testing.Room.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.auth.AuthRules;
import io.myelin.protocol.auth.StateKey;
import io.myelin.protocol.testing.Room;
import io.myelin.protocol.testing.TestEvent;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The orderings of state resolution v2 and v2.1 and their tie-breaks. */
class OrderingTest {

    private static final String PL = "m.room.power_levels";

    @ParameterizedTest
    @EnumSource(value = RoomVersion.class, names = "V1", mode = EnumSource.Mode.EXCLUDE)
    void morePowerfulSenderComesFirstWhateverTheTimestamps(RoomVersion version) {
        Room base = Room.standard(version);
        base.add(BOB, "m.room.member", BOB, "{'membership':'join'}");
        base.add(ALICE, PL, "", StateResolutionScenariosTest.levels(version, "'" + BOB + "':50"));
        Room bob = base.fork();
        Room alice = base.fork();
        TestEvent bobs = bob.add(BOB, "m.room.join_rules", "", "{'join_rule':'public'}");
        TestEvent alices = alice.add(ALICE, "m.room.join_rules", "", "{'join_rule':'invite'}");

        Map<String, List<String>> orderings = resolveRecording(version, base, bob.state(), alice.state());

        assertEquals(List.of(alices.eventId(), bobs.eventId()),
                orderings.get("reverse topological power ordering"));
    }

    @ParameterizedTest
    @EnumSource(value = RoomVersion.class, names = "V1", mode = EnumSource.Mode.EXCLUDE)
    void sameMainlinePositionOrdersByTimestampThenEventId(RoomVersion version) {
        Room base = Room.standard(version);
        Room one = base.fork();
        Room two = base.fork();
        Room three = base.fork();
        TestEvent late = one.build(ALICE, "m.room.topic", "", "{'topic':'late'}");
        TestEvent earlyB = two.build(ALICE, "m.room.topic", "", "{'topic':'b'}");
        TestEvent earlyA = three.build(ALICE, "m.room.topic", "", "{'topic':'a'}");
        late = one.store(retimed(late, "$z-late", 50));
        earlyB = two.store(retimed(earlyB, "$b-early", 10));
        earlyA = three.store(retimed(earlyA, "$a-early", 10));

        Map<String, List<String>> orderings = resolveRecording(version, base, one.state(), two.state(),
                three.state());

        assertEquals(List.of(earlyA.eventId(), earlyB.eventId(), late.eventId()), orderings.get("mainline ordering"));
    }

    private static TestEvent retimed(TestEvent event, String id, long ts) {
        return new TestEvent(id, event.roomId(), event.type(), event.stateKey(), event.sender(), event.content(),
                event.prevEventIds(), event.authEventIds(), event.depth(), ts, null);
    }

    @SafeVarargs
    private static Map<String, List<String>> resolveRecording(RoomVersion version, Room events,
                                                              Map<StateKey, String>... states) {
        Map<String, List<String>> orderings = new HashMap<>();
        StateResolver.resolve(AuthRules.of(version), new ArrayList<>(List.of(states)), events.source(),
                new ResolutionListener() {
                    @Override
                    public void ordered(String step, List<String> eventIds) {
                        orderings.put(step, eventIds);
                    }
                });
        return orderings;
    }
}
