package io.myelin.api;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A size in bytes written the way operators write it: a number, optionally fractional, with an
 * optional unit {@code kb}, {@code mb}, {@code gb} or {@code tb} (powers of 1024, case-insensitive).
 * A bare number is bytes. Fractional results are rounded down to whole bytes.
 *
 * @param bytes the size in bytes
 */
public record DataUnit(long bytes) {

    private static final Pattern SYNTAX = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(kb|mb|gb|tb|b)?");

    /**
     * Validates the size.
     *
     * @param bytes the size in bytes, not negative
     */
    public DataUnit {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size cannot be negative");
        }
    }

    /**
     * Parses a size such as {@code 1gb}, {@code 0.6tb}, {@code 256MB} or {@code 128}.
     *
     * @param text the text to parse
     * @return the size
     * @throws IllegalArgumentException when the text is not a size
     */
    public static DataUnit parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("a size is required, such as 512mb or 1gb");
        }
        Matcher m = SYNTAX.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size; write a number with an optional unit"
                    + " kb, mb, gb or tb, such as 512mb or 1.5gb");
        }
        BigDecimal number = new BigDecimal(m.group(1));
        int shift = switch (m.group(2) == null ? "b" : m.group(2)) {
            case "kb" -> 10;
            case "mb" -> 20;
            case "gb" -> 30;
            case "tb" -> 40;
            default -> 0;
        };
        BigDecimal bytes = number.multiply(BigDecimal.valueOf(1L << shift));
        if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return new DataUnit(bytes.longValue());
    }

    @Override
    public String toString() {
        return bytes + " bytes";
    }
}
