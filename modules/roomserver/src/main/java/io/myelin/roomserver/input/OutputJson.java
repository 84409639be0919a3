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

    /**
     * @param o         the record
     * @param eventJson {@code o.event()} written out already (its row holds the same text)
     * @return the record's JSON, members in the order of its components
     */
    static byte[] encode(OutputRoomEvent o, String eventJson) {
        String head = JsonSupport.objectBuilder()
                .add("type", o.type())
                .add("roomId", o.roomId())
                .add("roomVersion", o.roomVersion())
                .build().toString();
        JsonObjectBuilder b = JsonSupport.objectBuilder()
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
        String tail = b.build().toString();
        // The event is spliced in as text rather than written out a second time.
        String json = head.substring(0, head.length() - 1) + ",\"event\":" + eventJson + "," + tail.substring(1);
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static jakarta.json.JsonArrayBuilder array(List<String> values) {
        var a = JsonSupport.arrayBuilder();
        values.forEach(a::add);
        return a;
    }
}
