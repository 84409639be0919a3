package io.myelin.protocol.event;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import io.myelin.protocol.json.JsonSupport;

/**
 * The client-server API's event format ({@code ClientEvent}): the fields clients see, without the
 * federation-only ones ({@code auth_events}, {@code prev_events}, {@code depth}, {@code hashes},
 * {@code signatures}, {@code origin}, the federation {@code unsigned}), and with the event id, which
 * events of room version 3 and later do not carry.
 */
public final class ClientEvents {

    private ClientEvents() {
    }

    /**
     * Converts an event to the client format.
     *
     * @param pdu the event (the redacted copy if it has been redacted)
     * @param unsigned the {@code unsigned} object this server computed for the client ({@code age},
     *     {@code transaction_id}, {@code redacted_because}, {@code prev_content}, ...), or null for none
     * @return the client event
     */
    public static JsonObject clientEvent(Pdu pdu, JsonObject unsigned) {
        JsonObjectBuilder out = JsonSupport.objectBuilder()
                .add("event_id", pdu.eventId())
                .add("room_id", pdu.roomId())
                .add("sender", pdu.sender())
                .add("type", pdu.type())
                .add("origin_server_ts", pdu.originServerTs())
                .add("content", pdu.content());
        if (pdu.stateKey() != null) {
            out.add("state_key", pdu.stateKey());
        }
        // Before version 11 a redaction names its target at the top level, where clients still look for it.
        if (pdu.redacts() != null && !pdu.roomVersion().v11Rules()) {
            out.add("redacts", pdu.redacts());
        }
        if (unsigned != null && !unsigned.isEmpty()) {
            out.add("unsigned", unsigned);
        }
        return out.build();
    }
}
