package io.myelin.protocol.auth;

import static io.myelin.protocol.auth.AuthCase.all;
import static io.myelin.protocol.auth.AuthCase.allowed;
import static io.myelin.protocol.auth.AuthCase.before;
import static io.myelin.protocol.auth.AuthCase.from;
import static io.myelin.protocol.auth.AuthCase.rejected;
import static io.myelin.protocol.auth.AuthCase.standard;
import static io.myelin.protocol.auth.MembershipCases.powerLevels;
import static io.myelin.protocol.testing.Room.ALICE;
import static io.myelin.protocol.testing.Room.BOB;
import static io.myelin.protocol.testing.Room.CAROL;
import static io.myelin.protocol.testing.Room.DAVE;

import java.util.List;

import io.myelin.protocol.testing.Room;
import io.myelin.protocol.testing.TestEvent;

/** Table rows for create events, third-party invites, aliases, redactions and the general rules. */
final class OtherCases {

    private static final String JOIN = "{'membership':'join'}";
    private static final String THIRD_PARTY = "{'membership':'invite','third_party_invite':{'display_name':'b',"
            + "'signed':{'mxid':'" + BOB + "','token':'tok','signatures':{}}}}";

    private OtherCases() {
    }

    static List<AuthCase> cases() {
        return List.of(
            allowed("create event", all(), v -> {
                Room room = Room.bare(v, ALICE, null);
                return new AuthCase.Check(room, room.createEvent());
            }),
            rejected("create event with previous events", all(), "create.prev_events", v -> {
                Room room = Room.bare(v, ALICE, null);
                return new AuthCase.Check(room, room.createEvent().withPrevEvents(List.of("$x:example.org")));
            }),
            rejected("create event on a room id of another server", before(12), "create.room_id", v -> {
                Room room = Room.bare(v, ALICE, null);
                return new AuthCase.Check(room, room.createEvent().withRoomId("!room:other.org"));
            }),
            rejected("create event naming an unknown room version", all(), "create.room_version", v -> {
                Room room = Room.bare(v, ALICE, "{'room_version':'99'}");
                return new AuthCase.Check(room, room.createEvent());
            }),
            rejected("create event without creator before v11", before(11), "create.creator", v -> {
                Room room = Room.bare(v, ALICE, null);
                TestEvent create = room.createEvent();
                return new AuthCase.Check(room, new TestEvent(create.eventId(), create.roomId(), create.type(), "",
                        ALICE, Room.json("{'room_version':'" + v.id() + "'}"), List.of(), List.of(), 1, 1, null));
            }),
            rejected("additional creators that are not user ids from v12", from(12), "create.additional_creators",
                    v -> {
                        Room room = Room.bare(v, ALICE, "{'additional_creators':['bob']}");
                        return new AuthCase.Check(room, room.createEvent());
                    }),
            allowed("additional creators from v12", from(12), v -> {
                Room room = Room.bare(v, ALICE, "{'additional_creators':['" + BOB + "']}");
                return new AuthCase.Check(room, room.createEvent());
            }),
            rejected("second create event", all(), "create.unique", standard(r -> {
                TestEvent create = r.createEvent();
                return new TestEvent("$second:example.org", r.roomId(), create.type(), "", ALICE, create.content(),
                        List.of(), List.of(), 1, 1, null);
            })),
            rejected("event of a v12 room whose id names no create event", from(12), "room_id",
                    standard(r -> r.build(ALICE, "m.room.topic", "", "{'topic':'x'}").withRoomId("!other"))),
            allowed("member sends a message", all(), standard(r -> {
                r.add(BOB, "m.room.member", BOB, JOIN);
                return r.build(BOB, "m.room.message", null, "{'body':'hi'}");
            })),
            rejected("non-member cannot send a message", all(), "sender.joined",
                    standard(r -> r.build(BOB, "m.room.message", null, "{'body':'hi'}"))),
            rejected("member below state_default cannot set the topic", all(), "power.required", standard(r -> {
                r.add(BOB, "m.room.member", BOB, JOIN);
                return r.build(BOB, "m.room.topic", "", "{'topic':'x'}");
            })),
            rejected("member below an events level cannot send that type", all(), "power.required",
                    standard(r -> {
                        r.add(BOB, "m.room.member", BOB, JOIN);
                        r.add(ALICE, "m.room.power_levels", "", powerLevels(r, "'events':{'m.reaction':10}"));
                        return r.build(BOB, "m.reaction", null, "{}");
                    })),
            allowed("admin sets the topic", all(), standard(r -> r.build(ALICE, "m.room.topic", "",
                    "{'topic':'x'}"))),
            rejected("state key naming another user", all(), "state_key.user", standard(r -> r.build(ALICE,
                    "org.example.state", BOB, "{}"))),
            allowed("state key naming the sender", all(), standard(r -> r.build(ALICE, "org.example.state", ALICE,
                    "{}"))),
            allowed("third-party invite event at the invite level", all(), standard(r -> r.build(ALICE,
                    "m.room.third_party_invite", "tok", "{'display_name':'b','public_key':'k'}"))),
            rejected("third-party invite event below the invite level", all(), "third_party_invite.level",
                    standard(r -> {
                        r.add(ALICE, "m.room.power_levels", "", powerLevels(r, "'invite':50"));
                        r.add(BOB, "m.room.member", BOB, JOIN);
                        return r.build(BOB, "m.room.third_party_invite", "tok", "{'public_key':'k'}");
                    })),
            allowed("invite from a verified third-party invite", all(), standard(r -> {
                r.add(ALICE, "m.room.third_party_invite", "tok", "{'display_name':'b','public_key':'k'}");
                return r.build(ALICE, "m.room.member", BOB, THIRD_PARTY);
            })).verifiedBy((signed, keys) -> keys.contains("k")),
            rejected("third-party invite whose signature does not verify", all(), "third_party_invite.signature",
                    standard(r -> {
                        r.add(ALICE, "m.room.third_party_invite", "tok", "{'display_name':'b','public_key':'k'}");
                        return r.build(ALICE, "m.room.member", BOB, THIRD_PARTY);
                    })),
            rejected("third-party invite without its invite event", all(), "third_party_invite.token",
                    standard(r -> r.build(ALICE, "m.room.member", BOB, THIRD_PARTY)))
                    .verifiedBy((signed, keys) -> true),
            rejected("third-party invite from someone else", all(), "third_party_invite.sender", standard(r -> {
                r.add(ALICE, "m.room.third_party_invite", "tok", "{'display_name':'b','public_key':'k'}");
                r.add(CAROL, "m.room.member", CAROL, JOIN);
                return r.build(CAROL, "m.room.member", BOB, THIRD_PARTY);
            })).verifiedBy((signed, keys) -> true),
            rejected("third-party invite for another user", all(), "third_party_invite.mxid", standard(r -> {
                r.add(ALICE, "m.room.third_party_invite", "tok", "{'display_name':'b','public_key':'k'}");
                return r.build(ALICE, "m.room.member", CAROL, THIRD_PARTY);
            })).verifiedBy((signed, keys) -> true),
            rejected("third-party invite for a banned user", all(), "third_party_invite.banned", standard(r -> {
                r.add(ALICE, "m.room.third_party_invite", "tok", "{'display_name':'b','public_key':'k'}");
                r.add(ALICE, "m.room.member", BOB, "{'membership':'ban'}");
                return r.build(ALICE, "m.room.member", BOB, THIRD_PARTY);
            })).verifiedBy((signed, keys) -> true),
            allowed("server sets its own aliases without joining before v6", before(6), standard(r -> r.build(DAVE,
                    "m.room.aliases", "other.org", "{'aliases':['#a:other.org']}"))),
            rejected("server cannot set another server's aliases before v6", before(6), "aliases.domain",
                    standard(r -> r.build(DAVE, "m.room.aliases", "example.org", "{'aliases':[]}"))),
            rejected("aliases follow the ordinary rules from v6", from(6), "sender.joined",
                    standard(r -> r.build(DAVE, "m.room.aliases", "other.org", "{'aliases':[]}"))),
            rejected("redaction below the redact level of another server's event in v1-v2", before(3), "redaction",
                    standard(r -> {
                        r.add(BOB, "m.room.member", BOB, JOIN);
                        return r.build(BOB, "m.room.redaction", null, "{'redacts':'$x:other.org'}");
                    })),
            allowed("redaction of an event of the same server in v1-v2", before(3), standard(r -> {
                r.add(BOB, "m.room.member", BOB, JOIN);
                return r.build(BOB, "m.room.redaction", null, "{'redacts':'$x:example.org'}");
            })),
            allowed("redaction needs no redact level from v3", from(3), standard(r -> {
                r.add(BOB, "m.room.member", BOB, JOIN);
                return r.build(BOB, "m.room.redaction", null, "{'redacts':'$x:other.org'}");
            })));
    }
}
