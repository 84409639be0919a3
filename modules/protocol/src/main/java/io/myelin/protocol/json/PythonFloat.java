package io.myelin.protocol.json;

import java.math.BigDecimal;

/**
 * Writes a double the way Python's {@code json} module does ({@code float.__repr__}): the shortest digits
 * that round-trip, positional between 1e-4 and 1e16, otherwise {@code d.ddde+XX}. Events of room versions
 * 1 to 5 signed by Python servers may carry such numbers, and their signatures cover these bytes.
 */
final class PythonFloat {

    private PythonFloat() {
    }

    static String repr(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        // Double.toString gives the shortest round-tripping digits (since JDK 19), as Python's repr does.
        BigDecimal exact = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = exact.unscaledValue().toString();
        int exponent = digits.length() - 1 - exact.scale();
        StringBuilder out = new StringBuilder(d < 0 ? "-" : "");
        if (exponent >= -4 && exponent < 16) {
            String plain = exact.toPlainString();
            out.append(plain);
            if (plain.indexOf('.') < 0) {
                out.append(".0");
            }
            return out.toString();
        }
        out.append(digits.charAt(0));
        if (digits.length() > 1) {
            out.append('.').append(digits, 1, digits.length());
        }
        out.append('e').append(exponent < 0 ? '-' : '+');
        int abs = Math.abs(exponent);
        if (abs < 10) {
            out.append('0');
        }
        return out.append(abs).toString();
    }
}
