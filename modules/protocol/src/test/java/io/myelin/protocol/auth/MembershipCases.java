package io.myelin.protocol.auth;

import static io.myelin.protocol.auth.AuthCase.all;
import static io.myelin.protocol.auth.AuthCase.allowed;
import static io.myelin.protocol.auth.AuthCase.before;
import static io.myelin.protocol.auth.AuthCase.from;
import static io.myelin.protocol.auth.AuthCase.rejected;
import static io.myelin.protocol.auth.AuthCase.standard;
import static io.myelin.protocol.testing.Room.ALICE;
import static io.myelin.protocol.testing.Room.BOB;
import static io.myelin.protocol.testing.Room.CAROL;
import static io.myelin.protocol.testing.Room.DAVE;

import java.util.List;

import io.myelin.protocol.testing.Room;

/** Table rows for the {@code m.room.member} rules. */
final class MembershipCases {

    private static final String MEMBER = "m.room.member";
    private static final String JOIN = "{'membership':'join'}";

    private MembershipCases() {
    }

    static List<AuthCase> cases() {
        return List.of(
            allowed("creator joins right after the create event", all(), v -> {
                Room room = Room.bare(v, ALICE, null);
                return new AuthCase.Check(room, room.build(ALICE, MEMBER, ALICE, JOIN));
            }),
            rejected("someone else cannot join right after the create event", all(), "join.invite_only", v -> {
                Room room = Room.bare(v, ALICE, null);
                return new AuthCase.Check(room, room.build(BOB, MEMBER, BOB, JOIN));
            }),
            allowed("creator named in content joins first before v11", before(11), v -> {
                Room room = Room.bare(v, ALICE, "{'creator':'" + BOB + "'}");
                return new AuthCase.Check(room, room.build(BOB, MEMBER, BOB, JOIN));
            }),
            allowed("sender of the create event joins first from v11", from(11), v -> {
                Room room = Room.bare(v, ALICE, "{'creator':'" + BOB + "'}");
                return new AuthCase.Check(room, room.build(ALICE, MEMBER, ALICE, JOIN));
            }),
            rejected("creator field is ignored from v11", from(11), "join.invite_only", v -> {
                Room room = Room.bare(v, ALICE, "{'creator':'" + BOB + "'}");
                return new AuthCase.Check(room, room.build(BOB, MEMBER, BOB, JOIN));
            }),
            allowed("anyone joins a public room", all(), standard(r -> r.build(BOB, MEMBER, BOB, JOIN))),
            rejected("join on behalf of another user", all(), "join.sender",
                    standard(r -> r.build(ALICE, MEMBER, BOB, JOIN))),
            rejected("banned user cannot join", all(), "join.banned", standard(r -> {
                r.add(ALICE, MEMBER, BOB, "{'membership':'ban'}");
                return r.build(BOB, MEMBER, BOB, JOIN);
            })),
            rejected("uninvited user cannot join an invite-only room", all(), "join.invite_only", standard(r -> {
                r.add(ALICE, "m.room.join_rules", "", "{'join_rule':'invite'}");
                return r.build(BOB, MEMBER, BOB, JOIN);
            })),
            allowed("invited user joins an invite-only room", all(), standard(r -> {
                r.add(ALICE, "m.room.join_rules", "", "{'join_rule':'invite'}");
                r.add(ALICE, MEMBER, BOB, "{'membership':'invite'}");
                return r.build(BOB, MEMBER, BOB, JOIN);
            })),
            allowed("invited user joins a knock room", from(7), standard(r -> {
                r.add(ALICE, "m.room.join_rules", "", "{'join_rule':'knock'}");
                r.add(ALICE, MEMBER, BOB, "{'membership':'invite'}");
                return r.build(BOB, MEMBER, BOB, JOIN);
            })),
            rejected("private join rule lets nobody in", all(), "join.rule", standard(r -> {
                r.add(ALICE, "m.room.join_rules", "", "{'join_rule':'private'}");
                return r.build(BOB, MEMBER, BOB, JOIN);
            })),
            allowed("restricted join authorised by a joined user who may invite", from(8), standard(r -> {
                r.add(ALICE, "m.room.join_rules", "", "{'join_rule':'restricted','allow':[]}");
                return r.build(BOB, MEMBER, BOB, "{'membership':'join','join_authorised_via_users_server':'"
                        + ALICE + "'}");
            })),
            rejected("restricted join rule does not exist before v8", before(8), "join.rule", standard(r -> {
                r.add(ALICE, "m.room.join_rules", "", "{'join_rule':'restricted','allow':[]}");
                return r.build(BOB, MEMBER, BOB, "{'membership':'join','join_authorised_via_users_server':'"
                        + ALICE + "'}");
            })),
            rejected("restricted join without an authorising user", from(8), "join.restricted", standard(r -> {
                r.add(ALICE, "m.room.join_rules", "", "{'join_rule':'restricted','allow':[]}");
                return r.build(BOB, MEMBER, BOB, JOIN);
            })),
            rejected("restricted join authorised by a user who is not joined", from(8), "join.restricted",
                    standard(r -> {
                        r.add(ALICE, "m.room.join_rules", "", "{'join_rule':'restricted','allow':[]}");
                        return r.build(BOB, MEMBER, BOB, "{'membership':'join',"
                                + "'join_authorised_via_users_server':'" + CAROL + "'}");
                    })),
            rejected("restricted join authorised by a user below the invite level", from(8), "join.restricted",
                    standard(r -> {
                        r.add(CAROL, MEMBER, CAROL, JOIN);
                        r.add(ALICE, "m.room.power_levels", "", powerLevels(r, "'invite':50"));
                        r.add(ALICE, "m.room.join_rules", "", "{'join_rule':'restricted','allow':[]}");
                        return r.build(BOB, MEMBER, BOB, "{'membership':'join',"
                                + "'join_authorised_via_users_server':'" + CAROL + "'}");
                    })),
            allowed("knock_restricted join authorised by a member", from(10), standard(r -> {
                r.add(ALICE, "m.room.join_rules", "", "{'join_rule':'knock_restricted','allow':[]}");
                return r.build(BOB, MEMBER, BOB, "{'membership':'join','join_authorised_via_users_server':'"
                        + ALICE + "'}");
            })),
            rejected("knock_restricted does not exist before v10", before(10), "join.rule", standard(r -> {
                r.add(ALICE, "m.room.join_rules", "", "{'join_rule':'knock_restricted','allow':[]}");
                return r.build(BOB, MEMBER, BOB, "{'membership':'join','join_authorised_via_users_server':'"
                        + ALICE + "'}");
            })),
            allowed("member invites a user", all(), standard(r -> r.build(ALICE, MEMBER, BOB,
                    "{'membership':'invite'}"))),
            rejected("non-member cannot invite", all(), "invite.sender",
                    standard(r -> r.build(CAROL, MEMBER, BOB, "{'membership':'invite'}"))),
            rejected("cannot invite a joined user", all(), "invite.target", standard(r -> {
                r.add(BOB, MEMBER, BOB, JOIN);
                return r.build(ALICE, MEMBER, BOB, "{'membership':'invite'}");
            })),
            rejected("cannot invite a banned user", all(), "invite.target", standard(r -> {
                r.add(ALICE, MEMBER, BOB, "{'membership':'ban'}");
                return r.build(ALICE, MEMBER, BOB, "{'membership':'invite'}");
            })),
            rejected("member below the invite level cannot invite", all(), "invite.level", standard(r -> {
                r.add(ALICE, "m.room.power_levels", "", powerLevels(r, "'invite':50"));
                r.add(CAROL, MEMBER, CAROL, JOIN);
                return r.build(CAROL, MEMBER, BOB, "{'membership':'invite'}");
            })),
            allowed("member leaves", all(), standard(r -> {
                r.add(BOB, MEMBER, BOB, JOIN);
                return r.build(BOB, MEMBER, BOB, "{'membership':'leave'}");
            })),
            allowed("invited user rejects the invite", all(), standard(r -> {
                r.add(ALICE, MEMBER, BOB, "{'membership':'invite'}");
                return r.build(BOB, MEMBER, BOB, "{'membership':'leave'}");
            })),
            rejected("user who never joined cannot leave", all(), "leave.self",
                    standard(r -> r.build(BOB, MEMBER, BOB, "{'membership':'leave'}"))),
            allowed("knocking user withdraws the knock", from(7), standard(r -> {
                r.add(ALICE, "m.room.join_rules", "", "{'join_rule':'knock'}");
                r.add(BOB, MEMBER, BOB, "{'membership':'knock'}");
                return r.build(BOB, MEMBER, BOB, "{'membership':'leave'}");
            })),
            allowed("moderator kicks a member", all(), standard(r -> {
                r.add(BOB, MEMBER, BOB, JOIN);
                return r.build(ALICE, MEMBER, BOB, "{'membership':'leave'}");
            })),
            rejected("member below the kick level cannot kick", all(), "leave.kick", standard(r -> {
                r.add(BOB, MEMBER, BOB, JOIN);
                r.add(CAROL, MEMBER, CAROL, JOIN);
                return r.build(CAROL, MEMBER, BOB, "{'membership':'leave'}");
            })),
            rejected("cannot kick a user of equal level", all(), "leave.kick", standard(r -> {
                r.add(BOB, MEMBER, BOB, JOIN);
                r.add(CAROL, MEMBER, CAROL, JOIN);
                r.add(ALICE, "m.room.power_levels", "", powerLevels(r, "'users_default':60"));
                return r.build(CAROL, MEMBER, BOB, "{'membership':'leave'}");
            })),
            rejected("non-member cannot kick", all(), "leave.sender", standard(r -> {
                r.add(BOB, MEMBER, BOB, JOIN);
                return r.build(CAROL, MEMBER, BOB, "{'membership':'leave'}");
            })),
            rejected("unban needs the ban level", all(), "leave.unban", standard(r -> {
                r.add(ALICE, MEMBER, BOB, "{'membership':'ban'}");
                r.add(CAROL, MEMBER, CAROL, JOIN);
                r.add(ALICE, "m.room.power_levels", "", powerLevels(r, "'kick':0,'ban':80,'users_default':50"));
                return r.build(CAROL, MEMBER, BOB, "{'membership':'leave'}");
            })),
            allowed("moderator unbans", all(), standard(r -> {
                r.add(ALICE, MEMBER, BOB, "{'membership':'ban'}");
                return r.build(ALICE, MEMBER, BOB, "{'membership':'leave'}");
            })),
            allowed("moderator bans", all(), standard(r -> r.build(ALICE, MEMBER, BOB, "{'membership':'ban'}"))),
            rejected("member below the ban level cannot ban", all(), "ban.level", standard(r -> {
                r.add(CAROL, MEMBER, CAROL, JOIN);
                return r.build(CAROL, MEMBER, BOB, "{'membership':'ban'}");
            })),
            rejected("non-member cannot ban", all(), "ban.sender",
                    standard(r -> r.build(CAROL, MEMBER, BOB, "{'membership':'ban'}"))),
            allowed("user knocks on a knock room", from(7), standard(r -> {
                r.add(ALICE, "m.room.join_rules", "", "{'join_rule':'knock'}");
                return r.build(BOB, MEMBER, BOB, "{'membership':'knock'}");
            })),
            allowed("user knocks on a knock_restricted room", from(10), standard(r -> {
                r.add(ALICE, "m.room.join_rules", "", "{'join_rule':'knock_restricted','allow':[]}");
                return r.build(BOB, MEMBER, BOB, "{'membership':'knock'}");
            })),
            rejected("knock_restricted allows no knock before v10", v -> v.knocking() && !v.knockRestricted(),
                    "knock.rule", standard(r -> {
                        r.add(ALICE, "m.room.join_rules", "", "{'join_rule':'knock_restricted','allow':[]}");
                        return r.build(BOB, MEMBER, BOB, "{'membership':'knock'}");
                    })),
            rejected("knocking does not exist before v7", before(7), "membership.unknown", standard(r -> {
                r.add(ALICE, "m.room.join_rules", "", "{'join_rule':'knock'}");
                return r.build(BOB, MEMBER, BOB, "{'membership':'knock'}");
            })),
            rejected("cannot knock on a public room", from(7), "knock.rule",
                    standard(r -> r.build(BOB, MEMBER, BOB, "{'membership':'knock'}"))),
            rejected("cannot knock for someone else", from(7), "knock.sender", standard(r -> {
                r.add(ALICE, "m.room.join_rules", "", "{'join_rule':'knock'}");
                return r.build(ALICE, MEMBER, BOB, "{'membership':'knock'}");
            })),
            rejected("banned user cannot knock", from(7), "knock.membership", standard(r -> {
                r.add(ALICE, "m.room.join_rules", "", "{'join_rule':'knock'}");
                r.add(ALICE, MEMBER, BOB, "{'membership':'ban'}");
                return r.build(BOB, MEMBER, BOB, "{'membership':'knock'}");
            })),
            rejected("unknown membership", all(), "membership.unknown",
                    standard(r -> r.build(BOB, MEMBER, BOB, "{'membership':'dance'}"))),
            rejected("member event without membership", all(), "membership.shape",
                    standard(r -> r.build(BOB, MEMBER, BOB, "{}"))),
            rejected("user from another server cannot join a room that does not federate", all(), "m.federate",
                    v -> {
                        Room room = Room.bare(v, ALICE, "{'m.federate':false}");
                        room.add(ALICE, MEMBER, ALICE, JOIN);
                        room.add(ALICE, "m.room.join_rules", "", "{'join_rule':'public'}");
                        return new AuthCase.Check(room, room.build(DAVE, MEMBER, DAVE, JOIN));
                    }));
    }

    /** Power levels content like the standard room's, with some fields replaced. */
    static String powerLevels(Room room, String overrides) {
        String users = room.version().v12Rules() ? "{}" : "{'" + ALICE + "':100}";
        return "{'users':" + users + ",'ban':50,'kick':50,'redact':50,'invite':0,'state_default':50,"
                + "'events_default':0,'users_default':0," + overrides + "}";
    }
}
