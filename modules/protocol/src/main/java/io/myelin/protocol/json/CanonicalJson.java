package io.myelin.protocol.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import io.myelin.protocol.ProtocolException;

/**
 * The canonical JSON encoding of the spec's appendix ("Signing JSON"): UTF-8, no insignificant whitespace,
 * object keys sorted by Unicode code point, only the mandatory escapes ({@code \"}, {@code \\}, the short
 * forms {@code \b \f \n \r \t}, and <code>&#92;u00xx</code> in lower-case hex for other control characters), and
 * numbers written as integers without exponent, fraction or negative zero.
 *
 * <p>In strict mode (room versions 6 and later) a number that is not an integer, or lies outside
 * [-(2^53)+1, 2^53-1], is refused. In lenient mode (older room versions, whose events may carry such
 * numbers) integers of any size are written in full and a fractional number is written the way Python's
 * {@code json} module writes a float, since that is what signed those events.
 */
public final class CanonicalJson {

    /** Largest integer canonical JSON allows in strict mode: 2^53 - 1. */
    public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;
    /** Smallest integer canonical JSON allows in strict mode: -(2^53) + 1. */
    public static final long MIN_SAFE_INTEGER = -MAX_SAFE_INTEGER;
    /** Bound on nesting while encoding, so a value built elsewhere cannot overflow the stack. */
    public static final int MAX_DEPTH = 1024;
    /** Bound on the integer digits of a number, so a huge exponent cannot cost unbounded time. */
    private static final int MAX_INTEGER_DIGITS = 1024;

    /**
     * Orders strings by Unicode code point. {@link String#compareTo} orders by UTF-16 unit, which puts
     * characters above U+FFFF before U+E000..U+FFFF; shifting the two ranges fixes that without decoding.
     */
    public static final Comparator<String> CODE_POINT_ORDER = CanonicalJson::compareCodePoints;

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private CanonicalJson() {
    }

    /**
     * Encodes a value in lenient mode.
     *
     * @param value the value
     * @return the canonical UTF-8 bytes
     * @throws ProtocolException when a string holds a lone surrogate or the value nests too deeply
     */
    public static byte[] encode(JsonValue value) {
        return encode(value, false);
    }

    /**
     * Encodes a value in strict mode (room versions 6 and later).
     *
     * @param value the value
     * @return the canonical UTF-8 bytes
     * @throws ProtocolException additionally when a number is fractional or out of range
     */
    public static byte[] encodeStrict(JsonValue value) {
        return encode(value, true);
    }

    /**
     * Encodes a value.
     *
     * @param value the value
     * @param strict whether to refuse numbers that are not integers in the safe range
     * @return the canonical UTF-8 bytes
     * @throws ProtocolException when the value cannot be encoded canonically
     */
    public static byte[] encode(JsonValue value, boolean strict) {
        Writer writer = new Writer(strict);
        writer.value(value, 0);
        return writer.toByteArray();
    }

    /**
     * Encodes a value into a string (for logs, tools and tests; signing works on bytes).
     *
     * @param value the value
     * @param strict whether to refuse numbers that are not integers in the safe range
     * @return the canonical JSON text
     */
    public static String encodeToString(JsonValue value, boolean strict) {
        return new String(encode(value, strict), StandardCharsets.UTF_8);
    }

    static int compareCodePoints(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                return shift(x) - shift(y);
            }
        }
        return a.length() - b.length();
    }

    private static int shift(char c) {
        if (c >= 0xE000) {
            return c - 0x800;
        }
        if (c >= 0xD800) {
            return c + 0x2000;
        }
        return c;
    }

    /** A growable byte buffer with the encoding rules. */
    private static final class Writer {
        private final boolean strict;
        private byte[] buf = new byte[256];
        private int len;

        Writer(boolean strict) {
            this.strict = strict;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, len);
        }

        private void ensure(int extra) {
            if (len + extra > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
            }
        }

        private void put(byte b) {
            ensure(1);
            buf[len++] = b;
        }

        private void putAscii(String s) {
            ensure(s.length());
            for (int i = 0; i < s.length(); i++) {
                buf[len++] = (byte) s.charAt(i);
            }
        }

        void value(JsonValue value, int depth) {
            switch (value.getValueType()) {
                case OBJECT -> object((JsonObject) value, depth + 1);
                case ARRAY -> array((JsonArray) value, depth + 1);
                case STRING -> string(((JsonString) value).getString());
                case NUMBER -> number((JsonNumber) value);
                case TRUE -> putAscii("true");
                case FALSE -> putAscii("false");
                case NULL -> putAscii("null");
            }
        }

        private void checkDepth(int depth) {
            if (depth > MAX_DEPTH) {
                throw new ProtocolException("JSON nests deeper than " + MAX_DEPTH);
            }
        }

        private void object(JsonObject object, int depth) {
            checkDepth(depth);
            String[] keys = object.keySet().toArray(new String[0]);
            Arrays.sort(keys, CODE_POINT_ORDER);
            put((byte) '{');
            for (int i = 0; i < keys.length; i++) {
                if (i > 0) {
                    put((byte) ',');
                }
                string(keys[i]);
                put((byte) ':');
                value(object.get(keys[i]), depth);
            }
            put((byte) '}');
        }

        private void array(JsonArray array, int depth) {
            checkDepth(depth);
            put((byte) '[');
            for (int i = 0, n = array.size(); i < n; i++) {
                if (i > 0) {
                    put((byte) ',');
                }
                value(array.get(i), depth);
            }
            put((byte) ']');
        }

        private void string(String s) {
            int n = s.length();
            ensure(n + 2);
            buf[len++] = '"';
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                    ensure(1);
                    buf[len++] = (byte) c;
                } else if (c < 0x80) {
                    escape(c);
                } else if (c < 0x800) {
                    ensure(2);
                    buf[len++] = (byte) (0xC0 | (c >> 6));
                    buf[len++] = (byte) (0x80 | (c & 0x3F));
                } else if (Character.isSurrogate(c)) {
                    if (!Character.isHighSurrogate(c) || i + 1 >= n || !Character.isLowSurrogate(s.charAt(i + 1))) {
                        throw new ProtocolException("string contains a lone surrogate");
                    }
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    ensure(4);
                    buf[len++] = (byte) (0xF0 | (cp >> 18));
                    buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    buf[len++] = (byte) (0x80 | (cp & 0x3F));
                } else {
                    ensure(3);
                    buf[len++] = (byte) (0xE0 | (c >> 12));
                    buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                    buf[len++] = (byte) (0x80 | (c & 0x3F));
                }
            }
            put((byte) '"');
        }

        private void escape(char c) {
            String shortForm = switch (c) {
                case '"' -> "\\\"";
                case '\\' -> "\\\\";
                case '\b' -> "\\b";
                case '\f' -> "\\f";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                default -> null;
            };
            if (shortForm != null) {
                putAscii(shortForm);
                return;
            }
            putAscii("\\u00");
            put(HEX[c >> 4]);
            put(HEX[c & 0xF]);
        }

        private void number(JsonNumber number) {
            BigDecimal value = number.bigDecimalValue();
            if (number.isIntegral() && value.scale() == 0) {
                integer(value.unscaledValue());
                return;
            }
            if (value.precision() - value.scale() > MAX_INTEGER_DIGITS) {
                throw new ProtocolException("number too large for canonical JSON");
            }
            // Written with an exponent but no fraction digits: a whole number, which the spec's own example
            // writes as an integer (1e10 becomes 10000000000).
            if (value.scale() <= 0) {
                integer(value.toBigInteger());
                return;
            }
            if (strict) {
                throw new ProtocolException("canonical JSON allows integers only, not " + brief(value));
            }
            putAscii(PythonFloat.repr(value.doubleValue()));
        }

        private void integer(BigInteger value) {
            if (strict && (value.bitLength() > 53
                    || value.longValue() > MAX_SAFE_INTEGER || value.longValue() < MIN_SAFE_INTEGER)) {
                throw new ProtocolException("integer " + brief(new BigDecimal(value))
                        + " outside the range canonical JSON allows");
            }
            putAscii(value.bitLength() < 64 ? Long.toString(value.longValue()) : value.toString());
        }

        private static String brief(BigDecimal value) {
            String s = value.toString();
            return s.length() > 30 ? s.substring(0, 30) + "..." : s;
        }
    }
}
