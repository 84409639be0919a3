package io.myelin.cache;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.helidon.config.Config;
import io.myelin.api.ConfigProblems;
import io.myelin.api.DataUnit;
import io.myelin.api.Durations;

/**
 * The {@code cache} section of the configuration.
 *
 * @param maxSize {@code max_size_estimated}: the byte budget of the whole tier, shared by every named cache
 * @param maxAge  {@code max_age}: how long after it was written an entry expires
 */
record CacheSettings(DataUnit maxSize, Duration maxAge) {

    static final String MAX_SIZE = "max_size_estimated";
    static final String MAX_AGE = "max_age";
    static final List<String> KEYS = List.of(MAX_SIZE, MAX_AGE);

    static final DataUnit DEFAULT_MAX_SIZE = DataUnit.parse("1gb");
    static final Duration DEFAULT_MAX_AGE = Duration.ofHours(1);

    /** Less would hold a few thousand small entries at most; an operator asking for it means a typo. */
    static final DataUnit MIN_MAX_SIZE = DataUnit.parse("1mb");

    /**
     * Reads the section, reporting every bad or unknown key. A bad value is replaced by its default so
     * that the remaining keys are still checked.
     *
     * @param section  the {@code cache} section, possibly missing
     * @param problems where problems go
     * @return the settings
     */
    static CacheSettings read(Config section, ConfigProblems problems) {
        problems.unknownKeys(section, KEYS);
        DataUnit maxSize = value(section.get(MAX_SIZE), problems, DEFAULT_MAX_SIZE, CacheSettings::size);
        Duration maxAge = value(section.get(MAX_AGE), problems, DEFAULT_MAX_AGE, Durations::parse);
        return new CacheSettings(maxSize, maxAge);
    }

    private static DataUnit size(String text) {
        DataUnit size = DataUnit.parse(text);
        if (size.bytes() < MIN_MAX_SIZE.bytes()) {
            throw new IllegalArgumentException("'" + text + "' is below the smallest budget, 1mb");
        }
        return size;
    }

    private static <T> T value(Config node, ConfigProblems problems, T fallback, Parser<T> parser) {
        if (!node.exists()) {
            return fallback;
        }
        Optional<String> text = node.isLeaf() ? node.asString().asOptional() : Optional.empty();
        if (text.isEmpty()) {
            problems.add(node, "must be a single value");
            return fallback;
        }
        try {
            return parser.parse(text.get());
        } catch (IllegalArgumentException e) {
            problems.add(node, e.getMessage());
            return fallback;
        }
    }

    @FunctionalInterface
    private interface Parser<T> {
        T parse(String text);
    }
}
