package io.myelin.bench.protocol;

import jakarta.json.JsonObject;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.crypto.SigningKey;
import io.myelin.protocol.event.EventSigning;
import io.myelin.protocol.json.JsonSupport;

/** A typical signed message event of about 1 KB, as benchmarks' input. */
final class SampleEvent {

    static final RoomVersion VERSION = RoomVersion.V10;
    static final SigningKey KEY = SigningKey.parse("ed25519 1 YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1");

    private SampleEvent() {
    }

    static JsonObject unsigned() {
        String body = "The quick brown fox jumps over the lazy dog; Pack my box with five dozen liquor jugs. "
                .repeat(6) + "Grüße, 日本語, 😀.";
        return JsonSupport.objectBuilder()
                .add("room_id", "!jEsUZKDJdhlrceRyVU:example.org")
                .add("sender", "@alice.example:example.org")
                .add("type", "m.room.message")
                .add("origin_server_ts", 1_700_000_000_000L)
                .add("depth", 1234)
                .add("content", JsonSupport.objectBuilder()
                        .add("msgtype", "m.text")
                        .add("body", body)
                        .add("m.mentions", JsonSupport.objectBuilder()
                                .add("user_ids", JsonSupport.arrayBuilder().add("@bob:example.com"))))
                .add("prev_events", JsonSupport.arrayBuilder()
                        .add("$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg"))
                .add("auth_events", JsonSupport.arrayBuilder()
                        .add("$aGLKSFhz5Ryw4Oaq1OVmq1b0bSvSdWbl5nTzVMtBqPE")
                        .add("$6CDnpgnZgBvB8Kk_BLxfXC7F5qD0c7vfu4uq_tLFy7M")
                        .add("$UoF4C0NeJuL7dO2s6IBvJxeNAM5UKfqSY-1Xxjv1rtw"))
                .add("signatures", JsonSupport.objectBuilder())
                .add("unsigned", JsonSupport.objectBuilder().add("age_ts", 1_700_000_000_000L))
                .build();
    }

    static JsonObject signed() {
        return EventSigning.hashAndSign(unsigned(), VERSION, "example.org", KEY);
    }
}
