package io.myelin.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.helidon.webserver.http.ServerRequest;
import io.myelin.api.http.Json;
import io.myelin.api.http.MatrixException;
import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.json.CanonicalJson;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * Reading request bodies and their fields, with the errors the client-server API asks for.
 */
final class Bodies {

    /** The largest event the spec allows, in bytes of its canonical JSON. */
    static final int MAX_EVENT_BYTES = 65_536;
    /**
     * The largest body read for an event's content. Whitespace makes a body longer than its canonical form, so
     * this bound only keeps absurd bodies out of memory; {@link #checkEventSize} decides on the real size.
     */
    static final int MAX_CONTENT_BODY_BYTES = 4 * MAX_EVENT_BYTES;

    private Bodies() {
    }

    /**
     * The body as a JSON object; an absent body counts as {@code {}} because several endpoints make it optional.
     */
    static JsonObject optional(ServerRequest request) {
        if (!request.content().hasEntity()) {
            return Json.empty();
        }
        byte[] bytes = request.content().as(byte[].class);
        return bytes.length == 0 ? Json.empty() : Json.parseObject(bytes);
    }

    /**
     * The body of an event to send, refused before parsing when it is far beyond any event that could fit.
     */
    static JsonObject eventContent(ServerRequest request) {
        byte[] bytes = request.content().hasEntity() ? request.content().as(byte[].class) : new byte[0];
        if (bytes.length > MAX_CONTENT_BODY_BYTES) {
            throw MatrixException.tooLarge("Event content is larger than " + MAX_EVENT_BYTES + " bytes.");
        }
        if (bytes.length == 0) {
            throw MatrixException.badJson("The event content must be a JSON object.");
        }
        return Json.parseObject(bytes);
    }

    /**
     * Refuses content that cannot fit in an event: its canonical form plus the event's own strings already
     * exceed the limit. The rest of the envelope (hashes, signatures, references) is not counted here, so this
     * never refuses an event that would fit; the roomserver checks the whole event once it is built and signed.
     */
    static void checkEventSize(JsonObject content, String... strings) {
        long size;
        try {
            size = CanonicalJson.encode(content).length;
        } catch (ProtocolException e) {
            throw MatrixException.badJson("The event content cannot be encoded as canonical JSON.");
        }
        for (String s : strings) {
            size += s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
        }
        if (size > MAX_EVENT_BYTES) {
            throw MatrixException.tooLarge("The event would be larger than " + MAX_EVENT_BYTES + " bytes.");
        }
    }

    static String string(JsonObject body, String key) {
        JsonValue value = body.get(key);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (value.getValueType() != JsonValue.ValueType.STRING) {
            throw MatrixException.badJson("'" + key + "' must be a string.");
        }
        return ((JsonString) value).getString();
    }

    static String requiredString(JsonObject body, String key) {
        String value = string(body, key);
        if (value == null) {
            throw MatrixException.badJson("'" + key + "' is required.");
        }
        return value;
    }

    static JsonObject object(JsonObject body, String key) {
        JsonValue value = body.get(key);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw MatrixException.badJson("'" + key + "' must be an object.");
        }
        return value.asJsonObject();
    }

    static boolean bool(JsonObject body, String key) {
        JsonValue value = body.get(key);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return false;
        }
        if (value != JsonValue.TRUE && value != JsonValue.FALSE) {
            throw MatrixException.badJson("'" + key + "' must be a boolean.");
        }
        return value == JsonValue.TRUE;
    }

    static List<JsonValue> array(JsonObject body, String key) {
        JsonValue value = body.get(key);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return List.of();
        }
        if (value.getValueType() != JsonValue.ValueType.ARRAY) {
            throw MatrixException.badJson("'" + key + "' must be an array.");
        }
        return new ArrayList<>(value.asJsonArray());
    }

    /** A user id as the grammar's outline has it: {@code @localpart:server}. */
    static String userId(JsonObject body, String key) {
        String user = requiredString(body, key);
        if (user.length() > 255 || !user.startsWith("@") || user.indexOf(':') < 2) {
            throw MatrixException.invalidParam("'" + key + "' is not a user id.");
        }
        return user;
    }
}
