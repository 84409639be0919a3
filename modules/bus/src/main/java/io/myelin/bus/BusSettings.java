package io.myelin.bus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import io.helidon.config.Config;
import io.myelin.api.ConfigProblems;
import io.myelin.api.Durations;

/**
 * The {@code bus} configuration section.
 *
 * @param prefix          prefix of stream names on the broker ({@code bus.prefix}, default {@code Myelin})
 * @param natsUrls        NATS servers; when not empty the NATS JetStream provider is used
 * @param natsCredentials path of a NATS credentials file, if the servers require one
 * @param maxPending      messages a stream may hold not yet acknowledged by all its consumers before
 *                        publishers block
 * @param maxInFlight     messages a consumer may hold delivered but not yet acknowledged
 * @param ackTimeout      default time a delivered message may stay unacknowledged before redelivery
 * @param nakDelay        default delay before a negatively acknowledged message is delivered again
 * @param drainTimeout    how long stopping waits for handlers in progress
 */
public record BusSettings(String prefix,
                          List<String> natsUrls,
                          Optional<String> natsCredentials,
                          int maxPending,
                          int maxInFlight,
                          Duration ackTimeout,
                          Duration nakDelay,
                          Duration drainTimeout) {

    /** Keys of the {@code bus} section. */
    public static final List<String> KEYS =
            List.of("prefix", "nats", "max_pending", "max_in_flight", "ack_timeout", "nak_delay", "drain_timeout");
    /** Keys of the {@code bus.nats} section. */
    public static final List<String> NATS_KEYS = List.of("urls", "credentials");

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");

    /**
     * Copies the URL list.
     */
    public BusSettings {
        natsUrls = List.copyOf(natsUrls);
    }

    /**
     * The defaults: embedded provider, prefix {@code Myelin}.
     *
     * @return the default settings
     */
    public static BusSettings defaults() {
        return new BusSettings("Myelin", List.of(), Optional.empty(), 10_000, 500,
                Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(10));
    }

    /**
     * Reads the section, falling back to {@link #defaults()} for missing keys. Call {@link #verify}
     * first: values that do not parse are replaced by defaults here.
     *
     * @param section the {@code bus} section
     * @return the settings
     */
    public static BusSettings from(Config section) {
        ConfigProblems ignored = new ConfigProblems();
        return read(section, ignored);
    }

    /**
     * Checks the section and reports every problem.
     *
     * @param section  the {@code bus} section
     * @param problems where problems go
     */
    public static void verify(Config section, ConfigProblems problems) {
        problems.unknownKeys(section, KEYS);
        problems.unknownKeys(section.get("nats"), NATS_KEYS);
        read(section, problems);
    }

    /**
     * Whether the NATS JetStream provider is configured.
     *
     * @return true when {@code bus.nats.urls} is set
     */
    public boolean nats() {
        return !natsUrls.isEmpty();
    }

    /**
     * A copy with other limits, for tests and tools.
     *
     * @param maxPending  the new {@link #maxPending()}
     * @param maxInFlight the new {@link #maxInFlight()}
     * @return the copy
     */
    public BusSettings withLimits(int maxPending, int maxInFlight) {
        return new BusSettings(prefix, natsUrls, natsCredentials, maxPending, maxInFlight, ackTimeout, nakDelay,
                drainTimeout);
    }

    /**
     * A copy with other timings, for tests and tools.
     *
     * @param ackTimeout   the new {@link #ackTimeout()}
     * @param nakDelay     the new {@link #nakDelay()}
     * @param drainTimeout the new {@link #drainTimeout()}
     * @return the copy
     */
    public BusSettings withTimings(Duration ackTimeout, Duration nakDelay, Duration drainTimeout) {
        return new BusSettings(prefix, natsUrls, natsCredentials, maxPending, maxInFlight, ackTimeout, nakDelay,
                drainTimeout);
    }

    /**
     * Checks a stream or durable name.
     *
     * @param what  what the name is, for the message
     * @param value the name
     * @return the name
     * @throws IllegalArgumentException when it has characters other than letters, digits, - and _
     */
    public static String checkName(String what, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " '" + value + "' must be ASCII letters, digits, - or _");
        }
        return value;
    }

    private static BusSettings read(Config section, ConfigProblems problems) {
        BusSettings d = defaults();

        String prefix = section.get("prefix").asString().orElse(d.prefix());
        if (!NAME.matcher(prefix).matches()) {
            problems.add(section.get("prefix"), "must be ASCII letters, digits, - or _");
            prefix = d.prefix();
        }

        Config nats = section.get("nats");
        List<String> urls = urls(nats.get("urls"), problems);
        Optional<String> credentials = nats.get("credentials").asString().asOptional();

        int maxPending = positive(section.get("max_pending"), d.maxPending(), problems);
        int maxInFlight = positive(section.get("max_in_flight"), d.maxInFlight(), problems);
        Duration ackTimeout = duration(section.get("ack_timeout"), d.ackTimeout(), problems);
        Duration nakDelay = duration(section.get("nak_delay"), d.nakDelay(), problems);
        Duration drainTimeout = duration(section.get("drain_timeout"), d.drainTimeout(), problems);
        return new BusSettings(prefix, urls, credentials, maxPending, maxInFlight, ackTimeout, nakDelay,
                drainTimeout);
    }

    private static List<String> urls(Config node, ConfigProblems problems) {
        if (!node.exists()) {
            return List.of();
        }
        List<String> raw = new ArrayList<>();
        if (node.isList()) {
            raw.addAll(node.asList(String.class).orElse(List.of()));
        } else {
            node.asString().ifPresent(s -> raw.addAll(List.of(s.split(","))));
        }
        List<String> urls = new ArrayList<>();
        for (String url : raw) {
            String u = url.trim();
            if (u.isEmpty()) {
                continue;
            }
            if (!u.matches("(?i)(nats|tls|ws|wss)://.+")) {
                problems.add(node, "'" + NatsUrls.redact(u) + "' is not a NATS URL such as nats://127.0.0.1:4222");
                continue;
            }
            urls.add(u);
        }
        return urls;
    }

    private static int positive(Config node, int fallback, ConfigProblems problems) {
        if (!node.exists()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(node.asString().get().trim());
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(node, "must be a positive whole number");
        return fallback;
    }

    private static Duration duration(Config node, Duration fallback, ConfigProblems problems) {
        if (!node.exists()) {
            return fallback;
        }
        try {
            return Durations.parse(node.asString().get());
        } catch (IllegalArgumentException e) {
            problems.add(node, e.getMessage());
        }
        return fallback;
    }
}
