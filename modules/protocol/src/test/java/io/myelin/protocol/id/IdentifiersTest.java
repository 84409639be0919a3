package io.myelin.protocol.id;

import org.junit.jupiter.api.Test;

import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.RoomVersion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdentifiersTest {

    private static final String HASH = "Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg";

    @Test
    void serverNamesOfTheAppendixAreAccepted() {
        for (String name : new String[] {"matrix.org", "matrix.org:8888", "1.2.3.4", "1.2.3.4:1234",
                "[1234:5678::abcd]", "[1234:5678::abcd]:5678", "localhost", "a-b.c", "[::1]", "[::]",
                "[::ffff:1.2.3.4]", "[1:2:3:4:5:6:7:8]", "MATRIX.ORG"}) {
            assertEquals(name, ServerName.parse(name).toString(), name);
        }
        assertEquals(8888, ServerName.parse("matrix.org:8888").port());
        assertTrue(ServerName.parse("[::1]:80").isIpLiteral());
        assertFalse(ServerName.parse("example.org").explicitPort().isPresent());
    }

    @Test
    void malformedServerNamesAreRefused() {
        for (String name : new String[] {"", ":80", "matrix.org:", "matrix.org:123456", "matrix.org:65536",
                "matrix.org:-1", "ma_trix.org", "a..b", "a.", "1.2.3.256", "[1234:5678::abcd", "[::1]x",
                "[1:2:3:4:5:6:7:8:9]", "[1::2::3]", "[12345::]", "[g::]", "[::1]:", "exa mple.org",
                "é.org", "[1:2:3:4:5:6:7]", "[1::2:]", "a".repeat(256)}) {
            assertThrows(ProtocolException.class, () -> ServerName.parse(name), name);
        }
    }

    @Test
    void userIdsAcceptTheHistoricalGrammarAndReportCompliance() {
        UserId ok = UserId.parse("@alice_1=x/y+z.q-r:example.org");
        assertTrue(ok.isCompliant());
        assertEquals("@alice_1=x/y+z.q-r:example.org", ok.toString());
        for (String historical : new String[] {"@Alice:example.org", "@:example.org", "@a b\u0001é😀:example.org"}) {
            UserId id = UserId.parse(historical);
            assertFalse(id.isCompliant(), historical);
            assertThrows(ProtocolException.class, () -> UserId.parseCompliant(historical));
        }
        for (String bad : new String[] {"alice:example.org", "@alice", "@alice:", "@a\u0000b:example.org",
                "@a:exa_mple.org", "@a\uD800:example.org", "@" + "a".repeat(250) + ":example.org"}) {
            assertThrows(ProtocolException.class, () -> UserId.parse(bad), bad);
        }
    }

    @Test
    void userIdLimitIs255BytesNotCharacters() {
        String local = "a".repeat(255 - "@:example.org".length());
        assertEquals(255, UserId.parse("@" + local + ":example.org").toString().length());
        String multiByte = "é".repeat(122) + "a";
        assertThrows(ProtocolException.class, () -> UserId.parse("@" + multiByte + ":example.org"));
    }

    @Test
    void roomIdsHaveTheFormOfTheirVersion() {
        RoomId classic = RoomId.parse("!abc:example.org", RoomVersion.V11);
        assertEquals("example.org", classic.serverName().orElseThrow().toString());
        RoomId hashed = RoomId.parse("!" + HASH, RoomVersion.V12);
        assertTrue(hashed.isHash());
        assertEquals("!" + HASH, hashed.toString());
        assertThrows(ProtocolException.class, () -> RoomId.parse("!" + HASH, RoomVersion.V11));
        assertThrows(ProtocolException.class, () -> RoomId.parse("!abc:example.org", RoomVersion.V12));
        assertThrows(ProtocolException.class, () -> RoomId.parse("!short"));
        assertThrows(ProtocolException.class, () -> RoomId.parse("#abc:example.org"));
    }

    @Test
    void eventIdsHaveTheFormatOfTheirVersion() {
        assertTrue(EventId.isValid("$abc:example.org", RoomVersion.V1));
        assertFalse(EventId.isValid("$" + HASH, RoomVersion.V2));
        String standard = HASH.replace('-', '+').replace('_', '/');
        assertTrue(EventId.isValid("$" + standard, RoomVersion.V3));
        assertFalse(EventId.isValid("$" + standard, RoomVersion.V4));
        assertTrue(EventId.isValid("$" + HASH, RoomVersion.V4));
        assertTrue(EventId.isValid("$" + HASH, RoomVersion.V12));
        assertFalse(EventId.isValid("$" + HASH + "A", RoomVersion.V10));
        assertFalse(EventId.isValid("$abc:example.org", RoomVersion.V10));
        assertFalse(EventId.isValid("!" + HASH, RoomVersion.V10));
    }

    @Test
    void aliasesAndDeviceIdsAreChecked() {
        assertEquals("#fun room:example.org", RoomAlias.parse("#fun room:example.org").toString());
        assertThrows(ProtocolException.class, () -> RoomAlias.parse("#fun"));
        assertThrows(ProtocolException.class, () -> RoomAlias.parse("#a:b:c"));
        assertEquals("ABCDEF", DeviceId.check("ABCDEF"));
        assertThrows(ProtocolException.class, () -> DeviceId.check(""));
        assertThrows(ProtocolException.class, () -> DeviceId.check("a\nb"));
        assertThrows(ProtocolException.class, () -> DeviceId.check("x".repeat(256)));
    }
}
