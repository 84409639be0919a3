package io.myelin.api;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a duration the way operators write it: one or more whole numbers, each followed by a unit
 * {@code ms}, {@code s}, {@code m}, {@code h} or {@code d} (case-insensitive, optionally separated by
 * spaces), such as {@code 90s}, {@code 30m}, {@code 1h} or {@code 1h30m}. An ISO-8601 duration such as
 * {@code PT1H} is accepted too, since Helidon's own settings use that form.
 */
public final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d{1,18})\\s*(ms|s|m|h|d)\\s*");

    private Durations() {
    }

    /**
     * @param text the text to parse
     * @return the duration, longer than zero
     * @throws IllegalArgumentException when the text is not a positive duration
     */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a duration is required, such as 30m or 1h");
        }
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        Duration duration = trimmed.startsWith("p") ? iso(text) : compact(text, trimmed);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("'" + text + "' is not longer than zero");
        }
        return duration;
    }

    /**
     * Writes a duration in the compact form {@link #parse} reads, such as {@code 1h30m}.
     *
     * @param duration a duration, not negative
     * @return its text
     */
    public static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder text = new StringBuilder();
        append(text, duration.toDaysPart(), "d");
        append(text, duration.toHoursPart(), "h");
        append(text, duration.toMinutesPart(), "m");
        append(text, duration.toSecondsPart(), "s");
        append(text, duration.toMillisPart(), "ms");
        return text.toString();
    }

    private static void append(StringBuilder text, long amount, String unit) {
        if (amount > 0) {
            text.append(amount).append(unit);
        }
    }

    private static Duration compact(String text, String trimmed) {
        Matcher m = PART.matcher(trimmed);
        Duration total = Duration.ZERO;
        int end = 0;
        try {
            while (m.lookingAt()) {
                total = total.plus(Long.parseLong(m.group(1)), unit(m.group(2)));
                end = m.end();
                m.region(end, trimmed.length());
            }
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too long", e);
        }
        if (end == 0 || end != trimmed.length()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; write whole numbers with a unit"
                    + " ms, s, m, h or d, such as 30m, 1h or 1h30m");
        }
        return total;
    }

    private static Duration iso(String text) {
        try {
            return Duration.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; write for example 30m or 1h", e);
        }
    }

    private static ChronoUnit unit(String unit) {
        return switch (unit) {
            case "ms" -> ChronoUnit.MILLIS;
            case "s" -> ChronoUnit.SECONDS;
            case "m" -> ChronoUnit.MINUTES;
            case "h" -> ChronoUnit.HOURS;
            default -> ChronoUnit.DAYS;
        };
    }
}
