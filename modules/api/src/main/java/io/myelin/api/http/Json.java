package io.myelin.api.http;

import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.util.Map;

import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import io.myelin.protocol.json.JsonSupport;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;
import jakarta.json.stream.JsonParsingException;

/**
 * Reading request bodies and writing JSON responses the same way in every component, so that a body
 * that is not JSON is always {@code M_NOT_JSON} and JSON of the wrong shape always {@code M_BAD_JSON}.
 * The body size limit is enforced by the listener before a handler reads anything.
 */
public final class Json {

    /** JSON-B starts slowly, so it is made on first use, not when this class loads. */
    private static final class Binding {
        private static final Jsonb JSONB = JsonbBuilder.create();
    }

    private Json() {
    }

    /**
     * Reads the request body as a JSON object.
     *
     * @param request the request
     * @return the object
     * @throws MatrixException {@code M_NOT_JSON} when the body is not JSON, {@code M_BAD_JSON} when it is
     *                         JSON but not an object
     */
    public static JsonObject readObject(ServerRequest request) {
        byte[] body = request.content().hasEntity() ? request.content().as(byte[].class) : new byte[0];
        return parseObject(body);
    }

    /**
     * Parses bytes as a JSON object.
     *
     * @param body UTF-8 JSON
     * @return the object
     * @throws MatrixException {@code M_NOT_JSON} or {@code M_BAD_JSON}
     */
    public static JsonObject parseObject(byte[] body) {
        JsonStructure structure;
        try (JsonReader reader = JsonSupport.provider().createReader(new ByteArrayInputStream(body))) {
            structure = reader.read();
        } catch (JsonParsingException | IllegalStateException e) {
            throw MatrixException.notJson("Content not JSON.");
        } catch (JsonException e) {
            throw MatrixException.notJson("Content not JSON.");
        }
        if (structure.getValueType() != JsonValue.ValueType.OBJECT) {
            throw MatrixException.badJson("The body must be a JSON object.");
        }
        return structure.asJsonObject();
    }

    /**
     * Reads the request body into a record or bean with JSON-B.
     *
     * @param request the request
     * @param type    the type to bind
     * @param <T>     the type
     * @return the bound value
     * @throws MatrixException {@code M_NOT_JSON} or {@code M_BAD_JSON}
     */
    public static <T> T read(ServerRequest request, Class<T> type) {
        JsonObject object = readObject(request);
        try {
            return Binding.JSONB.fromJson(object.toString(), type);
        } catch (JsonbException e) {
            throw new MatrixException(Status.BAD_REQUEST_400, ErrorCode.M_BAD_JSON,
                    "The body does not have the expected fields.", e.getMessage(), Map.of());
        }
    }

    /**
     * Converts a record or bean to a JSON value with JSON-B.
     *
     * @param value the value
     * @return its JSON form
     */
    public static JsonValue toJson(Object value) {
        if (value instanceof JsonValue json) {
            return json;
        }
        try (JsonReader reader = JsonSupport.provider().createReader(new StringReader(Binding.JSONB.toJson(value)))) {
            return reader.readValue();
        }
    }

    /**
     * The shared JSON-B instance.
     *
     * @return JSON-B
     */
    public static Jsonb jsonb() {
        return Binding.JSONB;
    }

    /**
     * Sends a JSON response.
     *
     * @param response the response
     * @param status   the status
     * @param body     a {@link JsonValue} or anything JSON-B can write
     */
    public static void send(ServerResponse response, Status status, Object body) {
        String text = body instanceof JsonValue json ? json.toString() : Binding.JSONB.toJson(body);
        response.status(status);
        response.header(HeaderValues.CONTENT_TYPE_JSON);
        response.send(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * Sends a 200 JSON response.
     *
     * @param response the response
     * @param body     a {@link JsonValue} or anything JSON-B can write
     */
    public static void ok(ServerResponse response, Object body) {
        send(response, Status.OK_200, body);
    }

    /**
     * An empty JSON object, the body of many successful Matrix responses.
     *
     * @return {@code {}}
     */
    public static JsonObject empty() {
        return JsonValue.EMPTY_JSON_OBJECT;
    }

    /**
     * Starts a JSON object.
     *
     * @return a builder
     */
    public static jakarta.json.JsonObjectBuilder object() {
        return JsonSupport.provider().createObjectBuilder();
    }
}
