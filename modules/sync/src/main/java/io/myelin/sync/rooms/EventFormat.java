package io.myelin.sync.rooms;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.myelin.api.http.Fields;
import io.myelin.api.http.MatrixException;

import io.myelin.protocol.json.JsonSupport;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

/**
 * Renders stored events for a client: the {@code ClientEvent} format (no hashes, signatures or graph fields)
 * or, when a filter asks for {@code event_format: federation}, the event as the room holds it; either way with
 * the {@code unsigned} this server computes for the reader ({@code age}, {@code transaction_id} for the device
 * that sent it, {@code redacted_because}, {@code prev_content}), then cut down to a filter's
 * {@code event_fields}.
 */
public final class EventFormat {

    /** The client format with every field. */
    public static final EventFormat CLIENT = new EventFormat(false, null);

    private static final List<String> CLIENT_FIELDS = List.of("event_id", "room_id", "sender", "type",
            "origin_server_ts", "content", "state_key", "redacts");
    private static final Set<String> KEPT_UNSIGNED = Set.of("prev_content", "replaces_state", "prev_sender",
            "invite_room_state", "knock_room_state");

    private final boolean federation;
    private final List<List<String>> fields;

    private EventFormat(boolean federation, List<List<String>> fields) {
        this.federation = federation;
        this.fields = fields;
    }

    /**
     * @param filter a filter, or null
     * @return the format it asks for
     * @throws MatrixException {@code M_BAD_JSON} when {@code event_format} or {@code event_fields} is malformed
     */
    public static EventFormat of(JsonObject filter) {
        boolean federation = SyncFilter.federationFormat(filter);
        List<String> paths = filter == null ? null : Fields.strings(filter, "event_fields");
        List<List<String>> fields = null;
        if (paths != null) {
            fields = new ArrayList<>();
            for (String path : paths) {
                fields.add(split(path));
            }
        }
        return new EventFormat(federation, fields);
    }

    /** Splits a dotted path; a backslash makes the next character literal. */
    private static List<String> split(String path) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\' && i + 1 < path.length()) {
                part.append(path.charAt(++i));
            } else if (c == '.') {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString());
        return parts;
    }

    /**
     * The reader an event is rendered for.
     *
     * @param userId   the user
     * @param deviceId the device, or null
     * @param now      the time in milliseconds, for {@code age}
     * @param store    where to find redaction events
     */
    public record Reader(String userId, String deviceId, long now, RoomStore store) {
    }

    /**
     * @param event  the event
     * @param reader who reads it
     * @return the event as the reader gets it
     */
    public JsonObject render(StreamEvent event, Reader reader) {
        JsonObject json = event.json();
        JsonObjectBuilder out = JsonSupport.objectBuilder();
        if (federation) {
            json.forEach((key, value) -> {
                if (!key.equals("unsigned")) {
                    out.add(key, value);
                }
            });
        } else {
            for (String key : CLIENT_FIELDS) {
                if (json.containsKey(key)) {
                    out.add(key, json.get(key));
                }
            }
        }
        out.add("unsigned", unsigned(event, reader));
        JsonObject rendered = out.build();
        return fields == null ? rendered : cut(rendered);
    }

    private JsonObject unsigned(StreamEvent event, Reader reader) {
        JsonObjectBuilder unsigned = JsonSupport.objectBuilder();
        if (event.json().get("unsigned") instanceof JsonObject stored) {
            stored.forEach((key, value) -> {
                if (KEPT_UNSIGNED.contains(key)) {
                    unsigned.add(key, value);
                }
            });
        }
        if (event.json().get("origin_server_ts") instanceof JsonNumber ts) {
            unsigned.add("age", Math.max(0, reader.now() - ts.longValue()));
        }
        String txnId = transactionId(event, reader);
        if (txnId != null) {
            unsigned.add("transaction_id", txnId);
        }
        if (event.redactedBy() != null) {
            reader.store().event(event.redactedBy()).ifPresent(redaction -> unsigned.add("redacted_because",
                    CLIENT.render(new StreamEvent(redaction.pos(), redaction.roomId(), redaction.eventId(),
                            redaction.type(), redaction.stateKey(), redaction.sender(), redaction.json(), null,
                            null), reader)));
        }
        return unsigned.build();
    }

    /**
     * The roomserver records a client's transaction id with the sending device in front
     * ({@code <length of device id>:<device id>:<txn id>}); only that device gets it back.
     */
    private static String transactionId(StreamEvent event, Reader reader) {
        if (event.txnId() == null || !event.sender().equals(reader.userId())) {
            return null;
        }
        String device = reader.deviceId() == null ? "" : reader.deviceId();
        String prefix = device.length() + ":" + device + ":";
        return event.txnId().startsWith(prefix) ? event.txnId().substring(prefix.length()) : null;
    }

    private JsonObject cut(JsonObject event) {
        JsonObjectBuilder out = JsonSupport.objectBuilder();
        List<String> tops = new ArrayList<>();
        for (List<String> path : fields) {
            if (!tops.contains(path.getFirst())) {
                tops.add(path.getFirst());
            }
        }
        for (String top : tops) {
            JsonValue value = event.get(top);
            if (value == null) {
                continue;
            }
            List<List<String>> below = new ArrayList<>();
            boolean whole = false;
            for (List<String> path : fields) {
                if (path.getFirst().equals(top)) {
                    if (path.size() == 1) {
                        whole = true;
                    } else {
                        below.add(path.subList(1, path.size()));
                    }
                }
            }
            if (whole || !(value instanceof JsonObject object)) {
                if (whole) {
                    out.add(top, value);
                }
                continue;
            }
            out.add(top, new EventFormat(false, below).cut(object));
        }
        return out.build();
    }
}
