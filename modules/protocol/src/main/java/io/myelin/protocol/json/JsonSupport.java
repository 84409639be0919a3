package io.myelin.protocol.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

/**
 * Access to one JSON-P provider, looked up once: {@code jakarta.json.Json}'s static methods look the
 * provider up on every call, which costs more than building a small event.
 */
public final class JsonSupport {

    private static final JsonProvider PROVIDER = JsonProvider.provider();

    private JsonSupport() {
    }

    /** @return the JSON-P provider */
    public static JsonProvider provider() {
        return PROVIDER;
    }

    /** @return a new empty object builder */
    public static JsonObjectBuilder objectBuilder() {
        return PROVIDER.createObjectBuilder();
    }

    /**
     * A builder that starts as a copy of an object, so that members can be added or removed.
     *
     * @param object the object to copy
     * @return the builder
     */
    public static JsonObjectBuilder objectBuilder(JsonObject object) {
        return PROVIDER.createObjectBuilder(object);
    }

    /** @return a new empty array builder */
    public static JsonArrayBuilder arrayBuilder() {
        return PROVIDER.createArrayBuilder();
    }

    /**
     * @param value the text
     * @return a JSON string
     */
    public static JsonString string(String value) {
        return PROVIDER.createValue(value);
    }

    /**
     * @param value the number
     * @return a JSON number
     */
    public static JsonNumber number(long value) {
        return PROVIDER.createValue(value);
    }

    /**
     * @param value the number
     * @return a JSON number
     */
    public static JsonNumber number(BigInteger value) {
        return PROVIDER.createValue(value);
    }

    /**
     * @param value the number
     * @return a JSON number
     */
    public static JsonNumber number(BigDecimal value) {
        return PROVIDER.createValue(value);
    }

    /**
     * Builds an object from members already checked for duplicates, keeping their order.
     *
     * @param members the members
     * @return the object
     */
    static JsonObject object(Map<String, JsonValue> members) {
        JsonObjectBuilder builder = PROVIDER.createObjectBuilder();
        members.forEach(builder::add);
        return builder.build();
    }

    /**
     * Returns the string member of an object, or null when it is absent or not a string.
     *
     * @param object the object
     * @param key the member name
     * @return the string or null
     */
    public static String stringOrNull(JsonObject object, String key) {
        return object.get(key) instanceof JsonString s ? s.getString() : null;
    }
}
