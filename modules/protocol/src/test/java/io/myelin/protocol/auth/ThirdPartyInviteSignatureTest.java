package io.myelin.protocol.auth;

import static io.myelin.protocol.testing.Room.ALICE;
import static io.myelin.protocol.testing.Room.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.crypto.JsonSignatures;
import io.myelin.protocol.crypto.SigningKey;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.protocol.testing.Room;
import io.myelin.protocol.testing.TestEvent;
import jakarta.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Third-party invites checked with real Ed25519 signatures by the default rules. */
class ThirdPartyInviteSignatureTest {

    private static final SigningKey IDENTITY_SERVER = SigningKey.generate("0");

    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void inviteSignedWithThePublishedKeyIsAllowed(RoomVersion version) {
        Room room = roomWithInvite(version, IDENTITY_SERVER);
        TestEvent invite = room.build(ALICE, "m.room.member", BOB, inviteContent(signed("tok")));

        AuthResult result = AuthRules.of(version).check(invite, state(room));

        assertTrue(result.allowed(), result::toString);
    }

    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void inviteWhoseSignedObjectWasAlteredIsRejected(RoomVersion version) {
        Room room = roomWithInvite(version, IDENTITY_SERVER);
        JsonObject altered = JsonSupport.objectBuilder(signed("tok")).add("extra", "changed after signing").build();
        TestEvent invite = room.build(ALICE, "m.room.member", BOB, inviteContent(altered));

        AuthResult result = AuthRules.of(version).check(invite, state(room));

        assertEquals("third_party_invite.signature", ((AuthResult.Rejected) result).rule());
    }

    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void inviteSignedWithAnotherKeyIsRejected(RoomVersion version) {
        Room room = roomWithInvite(version, SigningKey.generate("0"));
        TestEvent invite = room.build(ALICE, "m.room.member", BOB, inviteContent(signed("tok")));

        AuthResult result = AuthRules.of(version).check(invite, state(room));

        assertEquals("third_party_invite.signature", ((AuthResult.Rejected) result).rule());
    }

    private static Room roomWithInvite(RoomVersion version, SigningKey published) {
        Room room = Room.standard(version);
        room.add(ALICE, "m.room.third_party_invite", "tok", "{'display_name':'b','public_keys':[{'public_key':'"
                + published.verifyKey().base64() + "'}]}");
        return room;
    }

    private static JsonObject signed(String token) {
        JsonObject signed = JsonSupport.objectBuilder().add("mxid", BOB).add("token", token).build();
        return JsonSignatures.sign(signed, "identity.example", IDENTITY_SERVER, false);
    }

    private static String inviteContent(JsonObject signed) {
        return "{\"membership\":\"invite\",\"third_party_invite\":{\"display_name\":\"b\",\"signed\":" + signed + "}}";
    }

    private static AuthState state(Room room) {
        AuthState current = (type, key) -> {
            String id = room.current(type, key);
            return id == null ? null : room.events().get(id);
        };
        return current.withCreate(room.createEvent());
    }
}
