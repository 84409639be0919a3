package io.myelin.protocol.auth;

import java.util.function.Function;
import java.util.function.Predicate;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.event.EventView;
import io.myelin.protocol.testing.Room;

/**
 * One row of the authorization rule tables: in which room versions it applies, how to build the room and
 * the event, and the expected outcome (null for allowed, else the name of the rule that rejects).
 */
record AuthCase(String name, Predicate<RoomVersion> versions, Function<RoomVersion, Check> scenario,
                String expectedRule, ThirdPartyInviteVerifier verifier) {

    /** A room and the event to check against its current state. */
    record Check(Room room, EventView event) {
    }

    static AuthCase allowed(String name, Predicate<RoomVersion> versions, Function<RoomVersion, Check> scenario) {
        return new AuthCase(name, versions, scenario, null, ThirdPartyInviteVerifier.UNAVAILABLE);
    }

    static AuthCase rejected(String name, Predicate<RoomVersion> versions, String rule,
                             Function<RoomVersion, Check> scenario) {
        return new AuthCase(name, versions, scenario, rule, ThirdPartyInviteVerifier.UNAVAILABLE);
    }

    AuthCase verifiedBy(ThirdPartyInviteVerifier other) {
        return new AuthCase(name, versions, scenario, expectedRule, other);
    }

    static Predicate<RoomVersion> all() {
        return v -> true;
    }

    static Predicate<RoomVersion> from(int number) {
        return v -> Integer.parseInt(v.id()) >= number;
    }

    static Predicate<RoomVersion> before(int number) {
        return v -> Integer.parseInt(v.id()) < number;
    }

    /** A standard room with the given event built on top of it. */
    static Function<RoomVersion, Check> standard(Function<Room, EventView> build) {
        return v -> {
            Room room = Room.standard(v);
            return new Check(room, build.apply(room));
        };
    }
}
