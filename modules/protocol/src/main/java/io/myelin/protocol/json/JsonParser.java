package io.myelin.protocol.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import io.myelin.protocol.ProtocolException;

/**
 * A strict JSON parser (RFC 8259) for input from the network. Unlike a general-purpose parser it refuses
 * what would make two servers disagree about the bytes they sign: malformed UTF-8, lone surrogates (raw or
 * escaped), duplicate keys, a byte-order mark, trailing content. It bounds nesting depth (so deep input
 * cannot overflow the stack), input size and number length (so a huge number cannot cost unbounded time).
 * Every failure is a {@link ProtocolException} naming the byte offset.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class JsonParser {

    /** Default bound on nesting of objects and arrays. */
    public static final int DEFAULT_MAX_DEPTH = 512;
    /** Default bound on input size: more than any request body Matrix allows. */
    public static final int DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
    /** Bound on the characters of one number; far beyond any integer canonical JSON allows. */
    static final int MAX_NUMBER_CHARS = 512;

    private static final JsonParser DEFAULT = new JsonParser(DEFAULT_MAX_DEPTH, DEFAULT_MAX_BYTES);

    private final int maxDepth;
    private final int maxBytes;

    private JsonParser(int maxDepth, int maxBytes) {
        this.maxDepth = maxDepth;
        this.maxBytes = maxBytes;
    }

    /** @return a parser with the default bounds */
    public static JsonParser create() {
        return DEFAULT;
    }

    /**
     * Creates a parser with explicit bounds.
     *
     * @param maxDepth deepest nesting of objects and arrays allowed, at least 1
     * @param maxBytes largest input allowed in bytes
     * @return the parser
     */
    public static JsonParser create(int maxDepth, int maxBytes) {
        if (maxDepth < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("bounds must be positive");
        }
        return new JsonParser(maxDepth, maxBytes);
    }

    /**
     * Parses one JSON value from UTF-8 bytes.
     *
     * @param utf8 the input
     * @return the value
     * @throws ProtocolException when the input is not strict JSON or exceeds a bound
     */
    public JsonValue parse(byte[] utf8) {
        if (utf8.length > maxBytes) {
            throw new ProtocolException("JSON input of " + utf8.length + " bytes exceeds " + maxBytes);
        }
        if (utf8.length >= 3 && (utf8[0] & 0xFF) == 0xEF && (utf8[1] & 0xFF) == 0xBB && (utf8[2] & 0xFF) == 0xBF) {
            throw new ProtocolException("JSON must not start with a byte-order mark");
        }
        Reader reader = new Reader(utf8, maxDepth);
        reader.skipWhitespace();
        JsonValue value = reader.value(0);
        reader.skipWhitespace();
        if (reader.pos != utf8.length) {
            throw reader.error("unexpected content after the JSON value");
        }
        return value;
    }

    /**
     * Parses a JSON text given as a string; lone surrogates in it are refused.
     *
     * @param text the input
     * @return the value
     * @throws ProtocolException when the input is not strict JSON or exceeds a bound
     */
    public JsonValue parse(String text) {
        try {
            ByteBuffer bytes = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(text));
            byte[] array = new byte[bytes.remaining()];
            bytes.get(array);
            return parse(array);
        } catch (CharacterCodingException e) {
            throw new ProtocolException("JSON text contains a lone surrogate", e);
        }
    }

    /**
     * Parses input that must be a JSON object.
     *
     * @param utf8 the input
     * @return the object
     * @throws ProtocolException when the input is not a strict JSON object
     */
    public JsonObject parseObject(byte[] utf8) {
        if (parse(utf8) instanceof JsonObject object) {
            return object;
        }
        throw new ProtocolException("expected a JSON object");
    }

    /** The state of one parse. */
    private static final class Reader {
        private final byte[] in;
        private final int maxDepth;
        private int pos;
        private StringBuilder scratch;

        Reader(byte[] in, int maxDepth) {
            this.in = in;
            this.maxDepth = maxDepth;
        }

        ProtocolException error(String what) {
            return new ProtocolException("invalid JSON at byte " + pos + ": " + what);
        }

        void skipWhitespace() {
            while (pos < in.length) {
                byte b = in[pos];
                if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                    return;
                }
                pos++;
            }
        }

        JsonValue value(int depth) {
            if (pos >= in.length) {
                throw error("unexpected end of input");
            }
            byte b = in[pos];
            return switch (b) {
                case '{' -> object(depth + 1);
                case '[' -> array(depth + 1);
                case '"' -> JsonSupport.string(string());
                case 't' -> literal("true", JsonValue.TRUE);
                case 'f' -> literal("false", JsonValue.FALSE);
                case 'n' -> literal("null", JsonValue.NULL);
                default -> {
                    if (b == '-' || (b >= '0' && b <= '9')) {
                        yield number();
                    }
                    throw error("unexpected character");
                }
            };
        }

        private JsonValue literal(String word, JsonValue value) {
            int end = pos + word.length();
            if (end > in.length) {
                throw error("unexpected end of input");
            }
            for (int i = 0; i < word.length(); i++) {
                if (in[pos + i] != word.charAt(i)) {
                    throw error("unknown literal");
                }
            }
            pos = end;
            return value;
        }

        private JsonObject object(int depth) {
            checkDepth(depth);
            pos++;
            JsonObjectBuilder builder = JsonSupport.objectBuilder();
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                return builder.build();
            }
            Set<String> keys = new HashSet<>();
            while (true) {
                skipWhitespace();
                if (peek() != '"') {
                    throw error("expected a member name");
                }
                int keyStart = pos;
                String key = string();
                if (!keys.add(key)) {
                    pos = keyStart;
                    throw error("duplicate key \"" + printable(key) + "\"");
                }
                skipWhitespace();
                expect(':');
                skipWhitespace();
                builder.add(key, value(depth));
                skipWhitespace();
                byte b = peek();
                pos++;
                if (b == '}') {
                    return builder.build();
                }
                if (b != ',') {
                    pos--;
                    throw error("expected ',' or '}'");
                }
            }
        }

        private JsonValue array(int depth) {
            checkDepth(depth);
            pos++;
            JsonArrayBuilder builder = JsonSupport.arrayBuilder();
            skipWhitespace();
            if (peek() == ']') {
                pos++;
                return builder.build();
            }
            while (true) {
                skipWhitespace();
                builder.add(value(depth));
                skipWhitespace();
                byte b = peek();
                pos++;
                if (b == ']') {
                    return builder.build();
                }
                if (b != ',') {
                    pos--;
                    throw error("expected ',' or ']'");
                }
            }
        }

        private void checkDepth(int depth) {
            if (depth > maxDepth) {
                throw error("nesting deeper than " + maxDepth);
            }
        }

        private byte peek() {
            if (pos >= in.length) {
                throw error("unexpected end of input");
            }
            return in[pos];
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private JsonValue number() {
            int start = pos;
            if (in[pos] == '-') {
                pos++;
            }
            if (pos < in.length && in[pos] == '0') {
                pos++;
            } else if (!digits()) {
                throw error("a number needs digits");
            }
            boolean integer = true;
            if (pos < in.length && in[pos] == '.') {
                pos++;
                integer = false;
                if (!digits()) {
                    throw error("a fraction needs digits");
                }
            }
            if (pos < in.length && (in[pos] == 'e' || in[pos] == 'E')) {
                pos++;
                integer = false;
                if (pos < in.length && (in[pos] == '+' || in[pos] == '-')) {
                    pos++;
                }
                if (!digits()) {
                    throw error("an exponent needs digits");
                }
            }
            int length = pos - start;
            if (length > MAX_NUMBER_CHARS) {
                pos = start;
                throw error("number longer than " + MAX_NUMBER_CHARS + " characters");
            }
            String text = new String(in, start, length, StandardCharsets.ISO_8859_1);
            if (integer) {
                return length <= 18 ? JsonSupport.number(Long.parseLong(text))
                        : JsonSupport.number(new BigInteger(text));
            }
            try {
                return JsonSupport.number(new BigDecimal(text));
            } catch (NumberFormatException | ArithmeticException e) {
                pos = start;
                throw error("number out of range");
            }
        }

        private boolean digits() {
            int start = pos;
            while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') {
                pos++;
            }
            return pos > start;
        }

        /** Reads a string starting at the opening quote, leaving pos after the closing quote. */
        private String string() {
            pos++;
            int start = pos;
            // Fast path: printable ASCII without escapes, the common case for keys and ids.
            while (pos < in.length) {
                byte b = in[pos];
                if (b == '"') {
                    String s = new String(in, start, pos - start, StandardCharsets.ISO_8859_1);
                    pos++;
                    return s;
                }
                if (b < 0x20 || b == '\\') {
                    break;
                }
                pos++;
            }
            StringBuilder sb = scratch == null ? (scratch = new StringBuilder()) : scratch;
            sb.setLength(0);
            sb.append(new String(in, start, pos - start, StandardCharsets.ISO_8859_1));
            while (true) {
                if (pos >= in.length) {
                    throw error("unterminated string");
                }
                int b = in[pos] & 0xFF;
                if (b == '"') {
                    pos++;
                    return sb.toString();
                } else if (b == '\\') {
                    escape(sb);
                } else if (b < 0x20) {
                    throw error("unescaped control character in string");
                } else if (b < 0x80) {
                    sb.append((char) b);
                    pos++;
                } else {
                    sb.appendCodePoint(utf8Sequence(b));
                }
            }
        }

        private int utf8Sequence(int lead) {
            int count;
            int min = 0x80;
            int max = 0xBF;
            int cp;
            if (lead >= 0xC2 && lead <= 0xDF) {
                count = 1;
                cp = lead & 0x1F;
            } else if (lead >= 0xE0 && lead <= 0xEF) {
                count = 2;
                cp = lead & 0x0F;
                if (lead == 0xE0) {
                    min = 0xA0;
                } else if (lead == 0xED) {
                    max = 0x9F;
                }
            } else if (lead >= 0xF0 && lead <= 0xF4) {
                count = 3;
                cp = lead & 0x07;
                if (lead == 0xF0) {
                    min = 0x90;
                } else if (lead == 0xF4) {
                    max = 0x8F;
                }
            } else {
                throw error("malformed UTF-8");
            }
            if (pos + count >= in.length) {
                throw error("truncated UTF-8 sequence");
            }
            for (int i = 1; i <= count; i++) {
                int c = in[pos + i] & 0xFF;
                int lo = i == 1 ? min : 0x80;
                int hi = i == 1 ? max : 0xBF;
                if (c < lo || c > hi) {
                    throw error("malformed UTF-8");
                }
                cp = (cp << 6) | (c & 0x3F);
            }
            pos += count + 1;
            return cp;
        }

        private void escape(StringBuilder sb) {
            if (pos + 1 >= in.length) {
                throw error("unterminated escape");
            }
            byte e = in[pos + 1];
            pos += 2;
            switch (e) {
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                case '/' -> sb.append('/');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> unicodeEscape(sb);
                default -> {
                    pos -= 2;
                    throw error("unknown escape");
                }
            }
        }

        private void unicodeEscape(StringBuilder sb) {
            int c = hex4();
            if (Character.isLowSurrogate((char) c)) {
                throw error("lone low surrogate escape");
            }
            if (Character.isHighSurrogate((char) c)) {
                if (pos + 1 >= in.length || in[pos] != '\\' || in[pos + 1] != 'u') {
                    throw error("lone high surrogate escape");
                }
                pos += 2;
                int low = hex4();
                if (!Character.isLowSurrogate((char) low)) {
                    throw error("high surrogate escape not followed by a low surrogate");
                }
                sb.append((char) c).append((char) low);
                return;
            }
            sb.append((char) c);
        }

        private int hex4() {
            if (pos + 4 > in.length) {
                throw error("truncated \\u escape");
            }
            int value = 0;
            for (int i = 0; i < 4; i++) {
                int d = Character.digit(in[pos + i], 16);
                if (d < 0) {
                    throw error("bad hex digit in \\u escape");
                }
                value = (value << 4) | d;
            }
            pos += 4;
            return value;
        }

        private static String printable(String key) {
            return key.length() > 40 ? key.substring(0, 40) + "..." : key;
        }
    }
}
