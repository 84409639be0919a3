package io.myelin.protocol.state;

import static io.myelin.protocol.testing.Room.ALICE;
import static io.myelin.protocol.testing.Room.BOB;
import static io.myelin.protocol.testing.Room.CAROL;
import static io.myelin.protocol.testing.Room.EVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.auth.AuthResult;
import io.myelin.protocol.auth.AuthRules;
import io.myelin.protocol.auth.StateKey;
import io.myelin.protocol.event.EventView;
import io.myelin.protocol.testing.Room;
import io.myelin.protocol.testing.TestEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Named state resolution scenarios, each the story of a fork and how it must merge. */
class StateResolutionScenariosTest {

    private static final String JOIN = "{'membership':'join'}";
    private static final String MEMBER = "m.room.member";
    private static final String PL = "m.room.power_levels";

    @ParameterizedTest
    @EnumSource(value = RoomVersion.class, names = "V1", mode = EnumSource.Mode.EXCLUDE)
    void demotionWinsOverAConcurrentBanByTheDemotedModerator(RoomVersion version) {
        Room base = roomWithModeratorBob(version);
        base.add(CAROL, MEMBER, CAROL, JOIN);
        Room alice = base.fork();
        Room bob = base.fork();
        TestEvent demotion = alice.add(ALICE, PL, "", levels(version, ""));
        TestEvent ban = bob.build(BOB, MEMBER, CAROL, "{'membership':'ban'}");
        assertTrue(bob.check(ban).allowed(), "the ban is valid on Bob's side");
        bob.store(ban);

        Map<StateKey, String> resolved = resolve(version, base, alice, bob);

        assertEquals(demotion.eventId(), resolved.get(StateKey.POWER_LEVELS));
        assertEquals(base.current(MEMBER, CAROL), resolved.get(StateKey.member(CAROL)), "Carol is not banned");
    }

    @ParameterizedTest
    @EnumSource(value = RoomVersion.class, names = "V1", mode = EnumSource.Mode.EXCLUDE)
    void topicBasedOnNewerPowerLevelsSurvivesADeeperTopicOnOlderOnes(RoomVersion version) {
        Room base = roomWithModeratorBob(version);
        Room fresh = base.fork();
        Room stale = base.fork();
        fresh.add(ALICE, PL, "", levels(version, "'" + BOB + "':50,'" + CAROL + "':10"));
        TestEvent newTopic = fresh.add(BOB, "m.room.topic", "", "{'topic':'new'}");
        for (int i = 0; i < 20; i++) {
            stale.add(BOB, "m.room.message", null, "{'body':'" + i + "'}");
        }
        TestEvent oldTopic = stale.add(BOB, "m.room.topic", "", "{'topic':'old but deep'}");
        assertTrue(oldTopic.depth() > newTopic.depth() && oldTopic.originServerTs() > newTopic.originServerTs());

        Map<StateKey, String> resolved = resolve(version, base, fresh, stale);

        assertEquals(newTopic.eventId(), resolved.get(new StateKey("m.room.topic", "")));
    }

    @ParameterizedTest
    @EnumSource(value = RoomVersion.class, names = "V1", mode = EnumSource.Mode.EXCLUDE)
    void topicFallsBackWhenItsSenderIsLaterBanned(RoomVersion version) {
        // Alice sets a topic, promotes Bob, Bob changes the topic, then Alice bans Bob. Merged with a state
        // that stopped at Alice's topic, Bob's topic no longer passes against the ban: the topic resets.
        Room base = Room.standard(version);
        base.add(BOB, MEMBER, BOB, JOIN);
        TestEvent aliceTopic = base.add(ALICE, "m.room.topic", "", "{'topic':'alice'}");
        Room stale = base.fork();
        base.add(ALICE, PL, "", levels(version, "'" + BOB + "':50"));
        base.add(BOB, "m.room.topic", "", "{'topic':'bob'}");
        TestEvent ban = base.add(ALICE, MEMBER, BOB, "{'membership':'ban'}");

        Map<StateKey, String> resolved = resolve(version, base, base, stale);

        assertEquals(aliceTopic.eventId(), resolved.get(new StateKey("m.room.topic", "")));
        assertEquals(ban.eventId(), resolved.get(StateKey.member(BOB)));
    }

    @Test
    void roomVersionOneLetsTheDeeperStaleTopicWin() {
        Room base = roomWithModeratorBob(RoomVersion.V1);
        Room fresh = base.fork();
        Room stale = base.fork();
        fresh.add(ALICE, PL, "", levels(RoomVersion.V1, "'" + BOB + "':50,'" + CAROL + "':10"));
        fresh.add(BOB, "m.room.topic", "", "{'topic':'new'}");
        for (int i = 0; i < 20; i++) {
            stale.add(BOB, "m.room.message", null, "{'body':'" + i + "'}");
        }
        TestEvent oldTopic = stale.add(BOB, "m.room.topic", "", "{'topic':'old but deep'}");

        Map<StateKey, String> resolved = resolve(RoomVersion.V1, base, fresh, stale);

        assertEquals(oldTopic.eventId(), resolved.get(new StateKey("m.room.topic", "")));
    }

    @ParameterizedTest
    @EnumSource(value = RoomVersion.class, names = "V1", mode = EnumSource.Mode.EXCLUDE)
    void joinRacingAChangeToInviteOnlyIsNotLetIn(RoomVersion version) {
        Room base = Room.standard(version);
        Room alice = base.fork();
        Room eve = base.fork();
        TestEvent inviteOnly = alice.add(ALICE, "m.room.join_rules", "", "{'join_rule':'invite'}");
        eve.add(EVE, MEMBER, EVE, JOIN);

        Map<StateKey, String> resolved = resolve(version, base, alice, eve);

        assertEquals(inviteOnly.eventId(), resolved.get(StateKey.JOIN_RULES));
        assertNull(resolved.get(StateKey.member(EVE)), "Eve's join is not in the state");
    }

    @Test
    void roomVersionOneLetsAJoinRacingAChangeToInviteOnlyIn() {
        // Room version 1 only resolves keys whose events differ between the states; Eve's membership
        // exists in one state only, so it is taken as it is.
        Room base = Room.standard(RoomVersion.V1);
        Room alice = base.fork();
        Room eve = base.fork();
        alice.add(ALICE, "m.room.join_rules", "", "{'join_rule':'invite'}");
        TestEvent join = eve.add(EVE, MEMBER, EVE, JOIN);

        Map<StateKey, String> resolved = resolve(RoomVersion.V1, base, alice, eve);

        assertEquals(join.eventId(), resolved.get(StateKey.member(EVE)));
    }

    @ParameterizedTest
    @EnumSource(value = RoomVersion.class, names = "V1", mode = EnumSource.Mode.EXCLUDE)
    void topicCitingLosingPowerLevelsIsCheckedAgainstTheWinningOnes(RoomVersion version) {
        Room base = roomWithModeratorBob(version);
        Room alice = base.fork();
        Room bob = base.fork();
        TestEvent demotion = alice.add(ALICE, PL, "", levels(version, ""));
        TestEvent offMainline = bob.add(BOB, PL, "", levels(version, "'" + BOB + "':50,'" + CAROL + "':50"));
        TestEvent topic = bob.add(BOB, "m.room.topic", "", "{'topic':'from the losing side'}");
        assertTrue(topic.authEventIds().contains(offMainline.eventId()));

        List<String> decisions = new ArrayList<>();
        Map<StateKey, String> resolved = StateResolver.resolve(AuthRules.of(version),
                List.of(alice.state(), bob.state()), base.source(), new ResolutionListener() {
                    @Override
                    public void checked(String step, EventView event, AuthResult result) {
                        decisions.add(event.eventId() + " " + result.allowed());
                    }
                });

        assertEquals(demotion.eventId(), resolved.get(StateKey.POWER_LEVELS));
        assertFalse(topic.eventId().equals(resolved.get(new StateKey("m.room.topic", ""))));
        assertTrue(decisions.contains(topic.eventId() + " false"), decisions::toString);
    }

    @ParameterizedTest
    @EnumSource(value = RoomVersion.class, names = {"V11", "V12"})
    void staleJoinRulesSetByAnAdminWhoLaterLeftAreNotLost(RoomVersion version) {
        // Both forks agree that Alice left, but one reports an outdated join rules event, as a server
        // that joined through a stale /state answer would.
        Room room = Room.standard(version);
        room.add(BOB, MEMBER, BOB, JOIN);
        TestEvent older = room.add(ALICE, "m.room.join_rules", "", "{'join_rule':'invite'}");
        TestEvent newer = room.add(ALICE, "m.room.join_rules", "", "{'join_rule':'public'}");
        room.add(ALICE, PL, "", levels(version, "'" + BOB + "':100"));
        room.add(ALICE, MEMBER, ALICE, "{'membership':'leave'}");
        Room stale = room.fork();
        stale.state().put(StateKey.JOIN_RULES, older.eventId());

        Map<StateKey, String> resolved = resolve(version, room, room, stale);

        if (version.v12Rules()) {
            assertEquals(newer.eventId(), resolved.get(StateKey.JOIN_RULES));
        } else {
            assertNull(resolved.get(StateKey.JOIN_RULES), "state resolution v2 drops both join rules");
        }
    }

    @ParameterizedTest
    @EnumSource(value = RoomVersion.class, names = {"V11", "V12"})
    void promotionChainIsReplayedWhenOneForkReportsOutdatedPowerLevels(RoomVersion version) {
        // Alice promotes Bob, Bob promotes Carol, Carol sets the topic. One fork's state still names
        // Alice's first power levels although its topic cites Bob's: the forks' auth chains agree, so the
        // auth difference misses Alice's promotion of Bob.
        Room room = Room.standard(version);
        room.add(BOB, MEMBER, BOB, JOIN);
        room.add(CAROL, MEMBER, CAROL, JOIN);
        String first = room.current(PL, "");
        room.add(ALICE, PL, "", levels(version, "'" + BOB + "':50"));
        TestEvent third = room.add(BOB, PL, "", levels(version, "'" + BOB + "':50,'" + CAROL + "':50"));
        room.add(CAROL, "m.room.topic", "", "{'topic':'by carol'}");
        Room stale = room.fork();
        stale.state().put(StateKey.POWER_LEVELS, first);

        Map<StateKey, String> resolved = resolve(version, room, room, stale);

        if (version.v12Rules()) {
            assertEquals(third.eventId(), resolved.get(StateKey.POWER_LEVELS));
        } else {
            assertEquals(first, resolved.get(StateKey.POWER_LEVELS), "state resolution v2 resets power levels");
        }
    }

    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void identicalStatesResolveToThemselves(RoomVersion version) {
        Room room = roomWithModeratorBob(version);

        assertEquals(room.state(), resolve(version, room, room, room.fork()));
    }

    private static Room roomWithModeratorBob(RoomVersion version) {
        Room room = Room.standard(version);
        room.add(BOB, MEMBER, BOB, JOIN);
        room.add(ALICE, PL, "", levels(version, "'" + BOB + "':50"));
        return room;
    }

    /** Power levels where Alice is admin (unless she is a v12 creator) and the given users entries. */
    static String levels(RoomVersion version, String users) {
        String alice = version.v12Rules() ? "" : "'" + ALICE + "':100" + (users.isEmpty() ? "" : ",");
        return "{'users':{" + alice + users + "},'state_default':50,'ban':50,'kick':50,'events_default':0}";
    }

    private static Map<StateKey, String> resolve(RoomVersion version, Room events, Room first, Room second) {
        return StateResolver.resolve(AuthRules.of(version), List.of(first.state(), second.state()), events.source());
    }
}
