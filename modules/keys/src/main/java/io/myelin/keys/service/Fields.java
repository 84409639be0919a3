package io.myelin.keys.service;

import java.util.ArrayList;
import java.util.List;

import io.myelin.api.http.MatrixException;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * Reads typed fields of request bodies: {@code M_BAD_JSON} for a field of the wrong type, {@code M_MISSING_PARAM}
 * for a required field that is absent.
 */
final class Fields {

    private Fields() {
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

    static JsonObject requiredObject(JsonObject body, String key) {
        JsonObject value = object(body, key);
        if (value == null) {
            throw MatrixException.missingParam("'" + key + "' is required.");
        }
        return value;
    }

    static String string(JsonObject body, String key) {
        JsonValue value = body.get(key);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(value instanceof JsonString s)) {
            throw MatrixException.badJson("'" + key + "' must be a string.");
        }
        return s.getString();
    }

    static String requiredString(JsonObject body, String key) {
        String value = string(body, key);
        if (value == null) {
            throw MatrixException.missingParam("'" + key + "' is required.");
        }
        return value;
    }

    static long requiredInteger(JsonObject body, String key) {
        JsonValue value = body.get(key);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            throw MatrixException.missingParam("'" + key + "' is required.");
        }
        if (!(value instanceof JsonNumber n) || !n.isIntegral() || n.bigIntegerValue().bitLength() > 53) {
            throw MatrixException.badJson("'" + key + "' must be an integer.");
        }
        return n.longValue();
    }

    static boolean requiredBoolean(JsonObject body, String key) {
        JsonValue value = body.get(key);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            throw MatrixException.missingParam("'" + key + "' is required.");
        }
        if (value != JsonValue.TRUE && value != JsonValue.FALSE) {
            throw MatrixException.badJson("'" + key + "' must be true or false.");
        }
        return value == JsonValue.TRUE;
    }

    static List<String> strings(JsonValue value, String what) {
        if (value == null || value.getValueType() != JsonValue.ValueType.ARRAY) {
            throw MatrixException.badJson(what + " must be a list of strings.");
        }
        List<String> out = new ArrayList<>();
        for (JsonValue item : value.asJsonArray()) {
            if (!(item instanceof JsonString s)) {
                throw MatrixException.badJson(what + " must be a list of strings.");
            }
            out.add(s.getString());
        }
        return out;
    }

    /** The server name of a user id, or null when it is not one. */
    static String serverOf(String userId) {
        int colon = userId.indexOf(':');
        return userId.startsWith("@") && colon > 1 && colon < userId.length() - 1 ? userId.substring(colon + 1) : null;
    }
}
