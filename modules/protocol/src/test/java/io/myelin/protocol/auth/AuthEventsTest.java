package io.myelin.protocol.auth;

import static io.myelin.protocol.testing.Room.ALICE;
import static io.myelin.protocol.testing.Room.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.event.EventView;
import io.myelin.protocol.testing.Room;
import io.myelin.protocol.testing.TestEvent;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The auth events selection and the rules about an event's own {@code auth_events}. */
class AuthEventsTest {

    private static final String RESTRICTED_JOIN = "{'membership':'join','join_authorised_via_users_server':'"
            + ALICE + "'}";

    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void joinCitesCreatePowerLevelsMembersJoinRulesAndAuthoriser(RoomVersion version) {
        Set<StateKey> keys = AuthEventsSelector.select(version, "m.room.member", BOB, BOB,
                Room.json(RESTRICTED_JOIN));

        List<StateKey> expected = new ArrayList<>();
        if (!version.v12Rules()) {
            expected.add(StateKey.CREATE);
        }
        expected.add(StateKey.POWER_LEVELS);
        expected.add(StateKey.member(BOB));
        expected.add(StateKey.JOIN_RULES);
        if (version.restrictedJoins()) {
            expected.add(StateKey.member(ALICE));
        }
        assertEquals(expected, List.copyOf(keys));
    }

    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void thirdPartyInviteCitesTheInviteEventOfItsToken(RoomVersion version) {
        Set<StateKey> keys = AuthEventsSelector.select(version, "m.room.member", BOB, ALICE,
                Room.json("{'membership':'invite','third_party_invite':{'signed':{'token':'abc'}}}"));

        assertTrue(keys.contains(new StateKey("m.room.third_party_invite", "abc")));
        assertTrue(keys.contains(StateKey.member(BOB)) && keys.contains(StateKey.member(ALICE)));
    }

    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void eventBuiltFromSelectionPassesAgainstItsAuthEvents(RoomVersion version) {
        Room room = Room.standard(version);
        TestEvent join = room.build(BOB, "m.room.member", BOB, "{'membership':'join'}");

        assertTrue(checkOwn(room, join).allowed(), () -> checkOwn(room, join).toString());
    }

    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void authEventIdsComeFromTheCurrentStateInSelectionOrder(RoomVersion version) {
        Room room = Room.standard(version);
        room.add(ALICE, "m.room.member", BOB, "{'membership':'invite'}");

        List<String> ids = AuthEventsSelector.authEventIds(version, "m.room.member", BOB, BOB,
                Room.json("{'membership':'join'}"), room.state());

        List<String> expected = new ArrayList<>();
        if (!version.v12Rules()) {
            expected.add(room.createEvent().eventId());
        }
        expected.add(room.current("m.room.power_levels", ""));
        expected.add(room.current("m.room.member", BOB));
        expected.add(room.current("m.room.join_rules", ""));
        assertEquals(expected, ids);
    }

    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void duplicateAuthEventKeyIsRejected(RoomVersion version) {
        Room room = Room.standard(version);
        String oldPowerLevels = room.current("m.room.power_levels", "");
        room.add(ALICE, "m.room.power_levels", "", MembershipCases.powerLevels(room, "'ban':40"));
        TestEvent join = room.build(BOB, "m.room.member", BOB, "{'membership':'join'}");
        List<String> auth = new ArrayList<>(join.authEventIds());
        auth.add(oldPowerLevels);

        assertRule("auth_events.duplicate", checkOwn(room, join.withAuthEvents(auth)));
    }

    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void authEventTheSelectionDoesNotNameIsRejected(RoomVersion version) {
        Room room = Room.standard(version);
        String topic = room.add(ALICE, "m.room.topic", "", "{'topic':'x'}").eventId();
        TestEvent join = room.build(BOB, "m.room.member", BOB, "{'membership':'join'}");
        List<String> auth = new ArrayList<>(join.authEventIds());
        auth.add(topic);

        assertRule("auth_events.selection", checkOwn(room, join.withAuthEvents(auth)));
    }

    @ParameterizedTest
    @EnumSource(value = RoomVersion.class, names = "V12", mode = EnumSource.Mode.EXCLUDE)
    void authEventsWithoutCreateAreRejectedBeforeV12(RoomVersion version) {
        Room room = Room.standard(version);
        TestEvent join = room.build(BOB, "m.room.member", BOB, "{'membership':'join'}");
        List<String> auth = new ArrayList<>(join.authEventIds());
        auth.remove(room.createEvent().eventId());

        assertRule("auth_events.create", checkOwn(room, join.withAuthEvents(auth)));
    }

    @ParameterizedTest
    @EnumSource(value = RoomVersion.class, names = "V12")
    void citingTheCreateEventIsRejectedFromV12(RoomVersion version) {
        Room room = Room.standard(version);
        TestEvent join = room.build(BOB, "m.room.member", BOB, "{'membership':'join'}");
        List<String> auth = new ArrayList<>(join.authEventIds());
        auth.add(room.createEvent().eventId());

        assertRule("auth_events.selection", checkOwn(room, join.withAuthEvents(auth)));
    }

    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void rejectedAuthEventIsRejected(RoomVersion version) {
        Room room = Room.standard(version);
        TestEvent join = room.build(BOB, "m.room.member", BOB, "{'membership':'join'}");
        room.rejected().add(room.current("m.room.join_rules", ""));

        assertRule("auth_events.rejected", checkOwn(room, join));
    }

    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void authEventOfAnotherRoomIsRejected(RoomVersion version) {
        Room room = Room.standard(version);
        TestEvent join = room.build(BOB, "m.room.member", BOB, "{'membership':'join'}");
        TestEvent rules = room.events().get(room.current("m.room.join_rules", ""));
        room.events().put(rules.eventId(), rules.withRoomId("!elsewhere:example.org"));

        assertRule("auth_events.room", checkOwn(room, join));
    }

    private static AuthResult checkOwn(Room room, TestEvent event) {
        List<EventView> auth = event.authEventIds().stream().map(id -> (EventView) room.events().get(id)).toList();
        return AuthRules.of(room.version()).checkAgainstAuthEvents(event, auth, room.createEvent(),
                room.rejected()::contains);
    }

    private static void assertRule(String rule, AuthResult result) {
        assertEquals(rule, result instanceof AuthResult.Rejected r ? r.rule() : "allowed", result.toString());
    }
}
