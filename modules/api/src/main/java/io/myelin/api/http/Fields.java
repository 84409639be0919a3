package io.myelin.api.http;

import java.util.ArrayList;
import java.util.List;

import io.helidon.http.Status;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * Reads typed fields of a JSON request body the same way in every component. A field that is absent or
 * {@code null} counts as not given; a field of the wrong type is {@code M_BAD_JSON}; a required field that is
 * not given is {@code M_MISSING_PARAM} (client-server API, "Standard error response"), unless the caller asks for
 * another code.
 */
public final class Fields {

    private Fields() {
    }

    /**
     * An optional object.
     *
     * @param body the JSON object that holds the field
     * @param key  the field
     * @return the object, or null when it is not given
     * @throws MatrixException {@code M_BAD_JSON} when it is not an object
     */
    public static JsonObject object(JsonObject body, String key) {
        JsonValue value = given(body, key);
        if (value == null) {
            return null;
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw MatrixException.badJson("'" + key + "' must be an object.");
        }
        return value.asJsonObject();
    }

    /**
     * A required object.
     *
     * @param body the JSON object that holds the field
     * @param key  the field
     * @return the object
     * @throws MatrixException {@code M_MISSING_PARAM} when it is not given, {@code M_BAD_JSON} when it is not an
     *                         object
     */
    public static JsonObject requiredObject(JsonObject body, String key) {
        JsonObject value = object(body, key);
        if (value == null) {
            throw missing(key, ErrorCode.M_MISSING_PARAM);
        }
        return value;
    }

    /**
     * An optional string.
     *
     * @param body the JSON object that holds the field
     * @param key  the field
     * @return the string, or null when it is not given
     * @throws MatrixException {@code M_BAD_JSON} when it is not a string
     */
    public static String string(JsonObject body, String key) {
        JsonValue value = given(body, key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof JsonString text)) {
            throw MatrixException.badJson("'" + key + "' must be a string.");
        }
        return text.getString();
    }

    /**
     * A required string, {@code M_MISSING_PARAM} when it is not given.
     *
     * @param body the JSON object that holds the field
     * @param key  the field
     * @return the string
     * @throws MatrixException {@code M_MISSING_PARAM} when it is not given, {@code M_BAD_JSON} when it is not a
     *                         string
     */
    public static String requiredString(JsonObject body, String key) {
        return requiredString(body, key, ErrorCode.M_MISSING_PARAM);
    }

    /**
     * A required string, with the code to answer when it is not given. The spec allows both
     * {@code M_MISSING_PARAM} and {@code M_BAD_JSON} ("malformed in some way, e.g. missing required keys"), and
     * some endpoints have answered {@code M_BAD_JSON} from the start; this keeps them as they are.
     *
     * @param body    the JSON object that holds the field
     * @param key     the field
     * @param missing the code for a field that is not given
     * @return the string
     * @throws MatrixException 400 {@code missing} when it is not given, {@code M_BAD_JSON} when it is not a
     *                         string
     */
    public static String requiredString(JsonObject body, String key, ErrorCode missing) {
        String value = string(body, key);
        if (value == null) {
            throw missing(key, missing);
        }
        return value;
    }

    /**
     * An optional boolean.
     *
     * @param body     the JSON object that holds the field
     * @param key      the field
     * @param fallback the value when it is not given
     * @return the boolean
     * @throws MatrixException {@code M_BAD_JSON} when it is not {@code true} or {@code false}
     */
    public static boolean bool(JsonObject body, String key, boolean fallback) {
        JsonValue value = given(body, key);
        if (value == null) {
            return fallback;
        }
        if (value != JsonValue.TRUE && value != JsonValue.FALSE) {
            throw MatrixException.badJson("'" + key + "' must be true or false.");
        }
        return value == JsonValue.TRUE;
    }

    /**
     * A required boolean.
     *
     * @param body the JSON object that holds the field
     * @param key  the field
     * @return the boolean
     * @throws MatrixException {@code M_MISSING_PARAM} when it is not given, {@code M_BAD_JSON} when it is not
     *                         {@code true} or {@code false}
     */
    public static boolean requiredBoolean(JsonObject body, String key) {
        if (given(body, key) == null) {
            throw missing(key, ErrorCode.M_MISSING_PARAM);
        }
        return bool(body, key, false);
    }

    /**
     * A required integer in the range canonical JSON allows, -(2^53)+1 to (2^53)-1.
     *
     * @param body the JSON object that holds the field
     * @param key  the field
     * @return the integer
     * @throws MatrixException {@code M_MISSING_PARAM} when it is not given, {@code M_BAD_JSON} when it is not an
     *                         integer in that range
     */
    public static long requiredInteger(JsonObject body, String key) {
        JsonValue value = given(body, key);
        if (value == null) {
            throw missing(key, ErrorCode.M_MISSING_PARAM);
        }
        if (!(value instanceof JsonNumber number) || !number.isIntegral()
                || number.bigIntegerValue().bitLength() > 53) {
            throw MatrixException.badJson("'" + key + "' must be an integer.");
        }
        return number.longValue();
    }

    /**
     * An optional array, of values of any type.
     *
     * @param body the JSON object that holds the field
     * @param key  the field
     * @return its values, empty when it is not given
     * @throws MatrixException {@code M_BAD_JSON} when it is not an array
     */
    public static List<JsonValue> array(JsonObject body, String key) {
        JsonValue value = given(body, key);
        if (value == null) {
            return List.of();
        }
        if (value.getValueType() != JsonValue.ValueType.ARRAY) {
            throw MatrixException.badJson("'" + key + "' must be an array.");
        }
        return new ArrayList<>(value.asJsonArray());
    }

    /**
     * An optional array of strings.
     *
     * @param body the JSON object that holds the field
     * @param key  the field
     * @return the strings, or null when it is not given
     * @throws MatrixException {@code M_BAD_JSON} when it is not an array of strings
     */
    public static List<String> strings(JsonObject body, String key) {
        JsonValue value = given(body, key);
        return value == null ? null : strings(value, "'" + key + "'");
    }

    /**
     * A value that must be an array of strings, such as one entry of a map in the body.
     *
     * @param value the value, or null when there is none
     * @param what  how the error names the value, for example {@code 'device_keys.algorithms'}
     * @return the strings
     * @throws MatrixException {@code M_BAD_JSON} when it is anything else, absent included
     */
    public static List<String> strings(JsonValue value, String what) {
        if (value == null || value.getValueType() != JsonValue.ValueType.ARRAY) {
            throw MatrixException.badJson(what + " must be a list of strings.");
        }
        List<String> out = new ArrayList<>();
        for (JsonValue item : value.asJsonArray()) {
            if (!(item instanceof JsonString text)) {
                throw MatrixException.badJson(what + " must be a list of strings.");
            }
            out.add(text.getString());
        }
        return out;
    }

    /** The field's value, or null when it is absent or JSON {@code null}. */
    private static JsonValue given(JsonObject body, String key) {
        JsonValue value = body.get(key);
        return value == null || value.getValueType() == JsonValue.ValueType.NULL ? null : value;
    }

    private static MatrixException missing(String key, ErrorCode code) {
        return new MatrixException(Status.BAD_REQUEST_400, code, "'" + key + "' is required.");
    }
}
