package io.myelin.client;

import java.nio.charset.StandardCharsets;

import io.helidon.webserver.http.ServerRequest;
import io.myelin.api.http.ErrorCode;
import io.myelin.api.http.Fields;
import io.myelin.api.http.Json;
import io.myelin.api.http.MatrixException;
import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.json.CanonicalJson;

import jakarta.json.JsonObject;

/**
 * Reading request bodies, with the errors the client-server API asks for. Where an endpoint of this component
 * requires a field, a body without it is {@code M_BAD_JSON}, as it has always been here: the spec describes that
 * code as JSON "malformed in some way, e.g. missing required keys".
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

    /** A user id as the grammar's outline has it: {@code @localpart:server}. */
    static String userId(JsonObject body, String key) {
        String user = Fields.requiredString(body, key, ErrorCode.M_BAD_JSON);
        if (user.length() > 255 || !user.startsWith("@") || user.indexOf(':') < 2) {
            throw MatrixException.invalidParam("'" + key + "' is not a user id.");
        }
        return user;
    }
}
