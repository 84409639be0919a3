package io.myelin.protocol.auth;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.OptionalLong;

import io.myelin.protocol.RoomVersion;
import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * Reads one power level value the way a room version accepts it: integers everywhere, integers written
 * as strings before v10 (the "stringy" compatibility rule) and floats truncated towards zero before v6
 * (the "floaty" rule, since those versions do not enforce canonical JSON).
 */
final class PowerLevelValues {

    private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final BigInteger MIN = BigInteger.valueOf(Long.MIN_VALUE);

    private PowerLevelValues() {
    }

    /**
     * Parses a value.
     *
     * @param version the room version
     * @param value the JSON value, may be null
     * @return the level, or empty when the version does not accept the value as a power level
     */
    static OptionalLong parse(RoomVersion version, JsonValue value) {
        if (value instanceof JsonNumber number) {
            return parseNumber(version, number);
        }
        if (value instanceof JsonString string && !version.integerPowerLevels()) {
            return parseString(string.getString());
        }
        return OptionalLong.empty();
    }

    private static OptionalLong parseNumber(RoomVersion version, JsonNumber number) {
        // A plain integer literal (scale zero) is an integer; a fraction or an exponent makes it a float.
        if (number.isIntegral()) {
            try {
                return OptionalLong.of(number.longValueExact());
            } catch (ArithmeticException e) {
                return OptionalLong.of(saturate(number.bigIntegerValue()));
            }
        }
        BigDecimal decimal = number.bigDecimalValue();
        if (decimal.scale() == 0) {
            return OptionalLong.of(saturate(decimal.toBigInteger()));
        }
        if (version.strictCanonicalJson()) {
            return OptionalLong.empty();
        }
        // A float beyond what a double can hold is rejected, as the floaty rule says; others truncate.
        double asDouble = decimal.doubleValue();
        if (Double.isInfinite(asDouble) || Double.isNaN(asDouble)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(saturate(new BigDecimal(asDouble).toBigInteger()));
    }

    private static OptionalLong parseString(String text) {
        String trimmed = text.strip();
        int start = 0;
        if (!trimmed.isEmpty() && (trimmed.charAt(0) == '+' || trimmed.charAt(0) == '-')) {
            start = 1;
        }
        if (start == trimmed.length()) {
            return OptionalLong.empty();
        }
        for (int i = start; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (c < '0' || c > '9') {
                return OptionalLong.empty();
            }
        }
        String digits = trimmed.charAt(0) == '+' ? trimmed.substring(1) : trimmed;
        return OptionalLong.of(saturate(new BigInteger(digits)));
    }

    private static long saturate(BigInteger value) {
        if (value.compareTo(MAX) > 0) {
            return Long.MAX_VALUE;
        }
        if (value.compareTo(MIN) < 0) {
            return Long.MIN_VALUE;
        }
        return value.longValue();
    }
}
