package io.myelin.protocol.crypto;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.json.JsonSupport;

/**
 * The {@code X-Matrix} authorization of server-server requests (server-server API, "Request
 * Authentication"): the request's method, target, origin, destination and JSON body are signed as a JSON
 * object, and the signature travels in the {@code Authorization} header.
 *
 * @param origin the sending server's name
 * @param destination the receiving server's name, or null when an older sender left it out
 * @param keyId the sending server's key id
 * @param signature the unpadded Base64 signature
 */
public record XMatrixAuthorization(String origin, String destination, String keyId, String signature) {

    private static final String SCHEME = "X-Matrix";

    /**
     * Signs a request.
     *
     * @param method the HTTP method, such as {@code PUT}
     * @param uri the request target from {@code /_matrix} on, with the query string
     * @param origin this server's name
     * @param destination the receiving server's name
     * @param content the parsed JSON body, or null when there is none
     * @param key this server's signing key
     * @return the authorization, to send with {@link #toHeader()}
     */
    public static XMatrixAuthorization sign(String method, String uri, String origin, String destination,
                                            JsonValue content, SigningKey key) {
        JsonObject signed = JsonSignatures.sign(request(method, uri, origin, destination, content), origin, key,
                false);
        String signature = signed.getJsonObject("signatures").getJsonObject(origin).getString(key.keyId());
        return new XMatrixAuthorization(origin, destination, key.keyId(), signature);
    }

    /**
     * Checks a received request's authorization.
     *
     * @param method the HTTP method
     * @param uri the request target as received, from {@code /_matrix} on
     * @param ourName this server's name
     * @param content the parsed JSON body, or null when there is none
     * @param keys where to find the origin's keys
     * @param nowMillis the current time; the key must be valid now
     * @throws ProtocolException when the request is for another server or the signature does not verify
     */
    public void verify(String method, String uri, String ourName, JsonValue content, KeyLookup keys,
                       long nowMillis) {
        if (destination != null && !destination.equals(ourName)) {
            throw new ProtocolException("request is addressed to " + destination + ", not to this server");
        }
        JsonObject signed = JsonSupport.objectBuilder(request(method, uri, origin, ourName, content))
                .add("signatures", JsonSupport.objectBuilder()
                        .add(origin, JsonSupport.objectBuilder().add(keyId, signature)))
                .build();
        JsonSignatures.verify(signed, origin, keys, nowMillis, false);
    }

    /**
     * Parses an {@code Authorization} header value: the scheme, then comma-separated {@code name=value}
     * parameters (names case-insensitive, values quoted or bare, bare values may contain colons).
     *
     * @param header the header value
     * @return the authorization
     * @throws ProtocolException when it is not an X-Matrix authorization with origin, key and sig
     */
    public static XMatrixAuthorization parse(String header) {
        if (header == null || header.length() <= SCHEME.length()
                || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                || header.charAt(SCHEME.length()) != ' ') {
            throw new ProtocolException("authorization is not X-Matrix");
        }
        Map<String, String> params = parameters(header, SCHEME.length());
        String origin = params.get("origin");
        String key = params.get("key");
        String sig = params.containsKey("sig") ? params.get("sig") : params.get("signature");
        if (origin == null || key == null || sig == null) {
            throw new ProtocolException("X-Matrix authorization needs origin, key and sig");
        }
        return new XMatrixAuthorization(origin, params.get("destination"), key, sig);
    }

    /** @return the header value, in the form older servers understand (lower-case names, quoted values) */
    public String toHeader() {
        return SCHEME + " origin=\"" + origin + "\",destination=\"" + destination + "\",key=\"" + keyId
                + "\",sig=\"" + signature + "\"";
    }

    private static JsonObject request(String method, String uri, String origin, String destination,
                                      JsonValue content) {
        JsonObjectBuilder request = JsonSupport.objectBuilder()
                .add("method", method)
                .add("uri", uri)
                .add("origin", origin)
                .add("destination", destination);
        if (content != null) {
            request.add("content", content);
        }
        return request.build();
    }

    private static Map<String, String> parameters(String header, int start) {
        Map<String, String> params = new HashMap<>();
        int i = start;
        int n = header.length();
        while (true) {
            while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == '\t')) {
                i++;
            }
            if (i >= n) {
                return params;
            }
            int eq = header.indexOf('=', i);
            if (eq < 0) {
                throw new ProtocolException("X-Matrix parameter without a value");
            }
            String name = header.substring(i, eq).strip().toLowerCase(Locale.ROOT);
            i = eq + 1;
            StringBuilder value = new StringBuilder();
            if (i < n && header.charAt(i) == '"') {
                i++;
                while (i < n && header.charAt(i) != '"') {
                    if (header.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    value.append(header.charAt(i++));
                }
                if (i >= n) {
                    throw new ProtocolException("X-Matrix parameter has an unclosed quote");
                }
                i++;
            } else {
                while (i < n && header.charAt(i) != ',' && header.charAt(i) != ' ' && header.charAt(i) != '\t') {
                    value.append(header.charAt(i++));
                }
            }
            params.putIfAbsent(name, value.toString());
            while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == '\t')) {
                i++;
            }
            if (i < n) {
                if (header.charAt(i) != ',') {
                    throw new ProtocolException("X-Matrix parameters must be separated by commas");
                }
                i++;
            }
        }
    }
}
