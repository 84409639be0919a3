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

import java.util.List;
import java.util.function.Function;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.event.EventView;
import io.myelin.protocol.testing.Room;

/** Table rows for the {@code m.room.power_levels} rules and the power levels they read. */
final class PowerLevelCases {

    private static final String PL = "m.room.power_levels";
    private static final String JOIN = "{'membership':'join'}";

    private PowerLevelCases() {
    }

    private static String users(Room r, String entries) {
        return r.version().v12Rules() ? "{" + entries + "}" : "{'" + ALICE + "':100," + entries + "}";
    }

    static List<AuthCase> cases() {
        return List.of(
            allowed("first power levels are allowed", all(), v -> {
                Room room = Room.bare(v, ALICE, null);
                room.add(ALICE, "m.room.member", ALICE, JOIN);
                return new AuthCase.Check(room, room.build(ALICE, PL, "", powerLevels(room, "'ban':50")));
            }),
            allowed("admin changes the ban level", all(), standard(r -> r.build(ALICE, PL, "",
                    powerLevels(r, "'ban':40")))),
            allowed("levels written as strings before v10", before(10), standard(r -> r.build(ALICE, PL, "",
                    powerLevels(r, "'ban':' +40 ','users':" + users(r, "'" + BOB + "':'050'"))))),
            rejected("levels written as strings from v10", from(10), "power_levels.shape",
                    standard(r -> r.build(ALICE, PL, "", powerLevels(r, "'ban':'40'")))),
            rejected("string user level from v10", from(10), "power_levels.shape",
                    standard(r -> r.build(ALICE, PL, "", powerLevels(r, "'users':" + users(r, "'" + BOB
                            + "':'50'"))))),
            rejected("string that is not an integer", before(10), "power_levels.shape",
                    standard(r -> r.build(ALICE, PL, "", powerLevels(r, "'users':" + users(r, "'" + BOB
                            + "':'5.5'"))))),
            allowed("float levels are truncated before v6", before(6), standard(r -> r.build(ALICE, PL, "",
                    powerLevels(r, "'users':" + users(r, "'" + BOB + "':50.57"))))),
            rejected("float levels from v6", from(6), "power_levels.shape", standard(r -> r.build(ALICE, PL, "",
                    powerLevels(r, "'users':" + users(r, "'" + BOB + "':50.57"))))),
            rejected("users key that is not a user id", all(), "power_levels.shape",
                    standard(r -> r.build(ALICE, PL, "", powerLevels(r, "'users':" + users(r, "'bob':50"))))),
            rejected("events values must be levels from v10", from(10), "power_levels.shape",
                    standard(r -> r.build(ALICE, PL, "", powerLevels(r, "'events':{'m.room.name':'x'}")))),
            rejected("moderator cannot raise a user above themselves", all(), "power_levels.change",
                    v -> check(v, r -> r.build(BOB, PL, "", powerLevels(r, "'users':"
                            + users(r, "'" + BOB + "':50,'" + CAROL + "':60"))), "state_default")),
            allowed("moderator raises a user to their own level", all(),
                    v -> check(v, r -> r.build(BOB, PL, "", powerLevels(r, "'users':"
                            + users(r, "'" + BOB + "':50,'" + CAROL + "':50"))), "state_default")),
            rejected("moderator cannot change a peer", all(), "power_levels.change", v -> {
                AuthCase.Check check = check(v, r -> r.createEvent(), "state_default");
                Room r = check.room();
                r.add(ALICE, PL, "", powerLevels(r, "'state_default':0,'users':"
                        + users(r, "'" + BOB + "':50,'" + CAROL + "':50")));
                return new AuthCase.Check(r, r.build(BOB, PL, "", powerLevels(r, "'state_default':0,'users':"
                        + users(r, "'" + BOB + "':50,'" + CAROL + "':0"))));
            }),
            allowed("moderator demotes themselves", all(),
                    v -> check(v, r -> r.build(BOB, PL, "", powerLevels(r, "'state_default':0,'users':"
                            + users(r, "'" + BOB + "':10"))), "state_default")),
            rejected("moderator cannot raise the ban level above themselves", all(), "power_levels.change",
                    v -> check(v, r -> r.build(BOB, PL, "", powerLevels(r, "'state_default':0,'ban':60,'users':"
                            + users(r, "'" + BOB + "':50"))), "state_default")),
            rejected("moderator cannot change an events level above themselves", all(), "power_levels.change",
                    v -> check(v, r -> r.build(BOB, PL, "", powerLevels(r, "'state_default':0,'events':"
                            + "{'m.room.name':70},'users':" + users(r, "'" + BOB + "':50"))), "state_default")),
            rejected("moderator cannot change notifications above themselves from v6", from(6),
                    "power_levels.change", v -> check(v, r -> r.build(BOB, PL, "", powerLevels(r,
                            "'state_default':0,'notifications':{'room':70},'users':" + users(r, "'" + BOB
                                    + "':50"))), "state_default")),
            allowed("notifications are not checked before v6", before(6), v -> check(v, r -> r.build(BOB, PL, "",
                    powerLevels(r, "'state_default':0,'notifications':{'room':70},'users':" + users(r, "'" + BOB
                            + "':50"))), "state_default")),
            rejected("member below state_default cannot change power levels", all(), "power.required",
                    standard(r -> {
                        r.add(CAROL, "m.room.member", CAROL, JOIN);
                        return r.build(CAROL, PL, "", powerLevels(r, "'ban':0"));
                    })),
            rejected("creators may not be listed in users from v12", from(12), "power_levels.creators",
                    standard(r -> r.build(ALICE, PL, "", powerLevels(r, "'users':{'" + ALICE + "':100}")))),
            rejected("additional creators may not be listed in users from v12", from(12), "power_levels.creators",
                    v -> {
                        Room room = Room.bare(v, ALICE, "{'additional_creators':['" + BOB + "']}");
                        room.add(ALICE, "m.room.member", ALICE, JOIN);
                        return new AuthCase.Check(room, room.build(ALICE, PL, "",
                                "{'users':{'" + BOB + "':100}}"));
                    }),
            allowed("creator has unbounded power from v12", from(12), standard(r -> r.build(ALICE, PL, "",
                    powerLevels(r, "'ban':9007199254740991,'users':{'" + BOB + "':9007199254740991}")))),
            allowed("additional creator bans a user with level 100 from v12", from(12), v -> {
                Room room = Room.bare(v, ALICE, "{'additional_creators':['" + BOB + "']}");
                room.add(ALICE, "m.room.member", ALICE, JOIN);
                room.add(ALICE, "m.room.join_rules", "", "{'join_rule':'public'}");
                room.add(BOB, "m.room.member", BOB, JOIN);
                room.add(CAROL, "m.room.member", CAROL, JOIN);
                room.add(ALICE, PL, "", "{'users':{'" + CAROL + "':100}}");
                return new AuthCase.Check(room, room.build(BOB, "m.room.member", CAROL, "{'membership':'ban'}"));
            }),
            rejected("user with level 100 cannot ban a creator from v12", from(12), "ban.level", v -> {
                Room room = Room.bare(v, ALICE, "{'additional_creators':['" + BOB + "']}");
                room.add(ALICE, "m.room.member", ALICE, JOIN);
                room.add(ALICE, "m.room.join_rules", "", "{'join_rule':'public'}");
                room.add(BOB, "m.room.member", BOB, JOIN);
                room.add(CAROL, "m.room.member", CAROL, JOIN);
                room.add(ALICE, PL, "", "{'users':{'" + CAROL + "':100}}");
                return new AuthCase.Check(room, room.build(CAROL, "m.room.member", BOB, "{'membership':'ban'}"));
            }),
            rejected("creators cannot kick each other from v12", from(12), "leave.kick", v -> {
                Room room = Room.bare(v, ALICE, "{'additional_creators':['" + BOB + "']}");
                room.add(ALICE, "m.room.member", ALICE, JOIN);
                room.add(ALICE, "m.room.join_rules", "", "{'join_rule':'public'}");
                room.add(BOB, "m.room.member", BOB, JOIN);
                return new AuthCase.Check(room, room.build(BOB, "m.room.member", ALICE, "{'membership':'leave'}"));
            }),
            rejected("creator loses power once power levels say so before v12", before(12), "ban.level", v -> {
                Room room = Room.standard(v);
                room.add(BOB, "m.room.member", BOB, JOIN);
                room.add(ALICE, PL, "", "{'users':{'" + BOB + "':100}}");
                return new AuthCase.Check(room, room.build(ALICE, "m.room.member", BOB, "{'membership':'ban'}"));
            }));
    }

    /** A room where Bob is a moderator (50), with the given field lowered so that he may send power levels. */
    private static AuthCase.Check check(RoomVersion v, Function<Room, EventView> build, String lowered) {
        Room r = Room.standard(v);
        r.add(BOB, "m.room.member", BOB, JOIN);
        r.add(CAROL, "m.room.member", CAROL, JOIN);
        r.add(ALICE, PL, "", powerLevels(r, "'" + lowered + "':0,'users':" + users(r, "'" + BOB + "':50")));
        return new AuthCase.Check(r, build.apply(r));
    }
}
