package io.myelin.roomserver.input;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.myelin.api.roomserver.OutputRoomEvent;
import io.myelin.protocol.json.JsonSupport;
import jakarta.json.JsonObjectBuilder;

/**
 * Writes {@link OutputRoomEvent} records as the JSON of the {@code OutputRoomEvent} stream, with the record's
 * component names as keys, so that consumers can bind them with JSON-B.
 */
final class OutputJson {

    private OutputJson() {
    }

    static byte[] encode(OutputRoomEvent o) {
        JsonObjectBuilder b = JsonSupport.objectBuilder()
                .add("type", o.type())
                .add("roomId", o.roomId())
                .add("roomVersion", o.roomVersion())
                .add("event", o.event())
                .add("addsStateEventIds", array(o.addsStateEventIds()))
                .add("removesStateEventIds", array(o.removesStateEventIds()));
        if (o.redactedEventId() != null) {
            b.add("redactedEventId", o.redactedEventId());
        }
        if (o.targetUserId() != null) {
            b.add("targetUserId", o.targetUserId());
        }
        if (o.transactionId() != null) {
            b.add("transactionId", o.transactionId());
        }
        return b.build().toString().getBytes(StandardCharsets.UTF_8);
    }

    private static jakarta.json.JsonArrayBuilder array(List<String> values) {
        var a = JsonSupport.arrayBuilder();
        values.forEach(a::add);
        return a;
    }
}
