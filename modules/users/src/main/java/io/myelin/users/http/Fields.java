package io.myelin.users.http;

import java.util.Optional;

import io.myelin.api.http.MatrixException;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/**
 * Reads typed fields of a request body, answering {@code M_BAD_JSON} for a field of the wrong type and
 * {@code M_MISSING_PARAM} for a required field that is absent.
 */
final class Fields {

    private Fields() {
    }

    static Optional<String> string(JsonObject body, String key) {
        JsonValue value = body.get(key);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return Optional.empty();
        }
        if (value.getValueType() != JsonValue.ValueType.STRING) {
            throw MatrixException.badJson("'" + key + "' must be a string.");
        }
        return Optional.of(body.getString(key));
    }

    static String required(JsonObject body, String key) {
        return string(body, key).orElseThrow(() -> MatrixException.missingParam("'" + key + "' is required."));
    }

    static boolean bool(JsonObject body, String key, boolean fallback) {
        JsonValue value = body.get(key);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return fallback;
        }
        if (value == JsonValue.TRUE) {
            return true;
        }
        if (value == JsonValue.FALSE) {
            return false;
        }
        throw MatrixException.badJson("'" + key + "' must be true or false.");
    }

    static Optional<JsonObject> object(JsonObject body, String key) {
        JsonValue value = body.get(key);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return Optional.empty();
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw MatrixException.badJson("'" + key + "' must be an object.");
        }
        return Optional.of(value.asJsonObject());
    }
}
