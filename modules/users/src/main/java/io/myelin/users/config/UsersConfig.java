package io.myelin.users.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.helidon.config.Config;
import io.myelin.api.ConfigProblems;
import io.myelin.api.DataUnit;

/**
 * The {@code users} configuration section.
 *
 * @param enableRegistration       whether anyone may create an account through {@code /register}
 * @param registrationTokens       tokens that {@code /register} then also requires; empty for none
 * @param registrationSharedSecret the secret of Synapse-style shared-secret admin registration, if enabled
 * @param passwordHashing          the Argon2id cost of password hashes
 * @param accessTokenLifetime      how long an access token issued with a refresh token stays valid
 * @param rateLimits               the rate limits
 * @param loginTokens              whether and for how long {@code POST /login/get_token} hands out login tokens
 * @param allowGuestAccess         whether {@code /register?kind=guest} creates guest accounts
 */
public record UsersConfig(boolean enableRegistration,
                          List<String> registrationTokens,
                          Optional<String> registrationSharedSecret,
                          PasswordHashing passwordHashing,
                          Duration accessTokenLifetime,
                          RateLimits rateLimits,
                          LoginTokens loginTokens,
                          boolean allowGuestAccess) {

    /** Every key of the section. */
    public static final List<String> KEYS = List.of("enable_registration", "registration_tokens",
            "registration_shared_secret", "password_hashing", "access_token_lifetime", "rate_limits",
            "login_token", "allow_guest_access");
    private static final List<String> LOGIN_TOKEN_KEYS = List.of("enabled", "lifetime");
    private static final List<String> LIMITS_KEYS = List.of("enabled", "login", "login_ip", "registration",
            "requests");
    private static final List<String> LIMIT_KEYS = List.of("per_second", "burst");
    private static final List<String> HASHING_KEYS = List.of("memory", "iterations", "parallelism");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    /**
     * Copies the token list.
     */
    public UsersConfig {
        registrationTokens = List.copyOf(registrationTokens);
    }

    /**
     * The Argon2id parameters of new password hashes. Existing hashes keep the parameters they were made
     * with, which are stored in them.
     *
     * @param memoryKib   memory in KiB
     * @param iterations  passes over the memory
     * @param parallelism lanes
     */
    public record PasswordHashing(int memoryKib, int iterations, int parallelism) {
        /**
         * The Argon2id minimum OWASP's password storage guidance recommends, 19 MiB and 2 passes: about 0.1 to
         * 0.2 s of one core, so that logins stay cheap while guessing stays expensive.
         */
        public static final PasswordHashing DEFAULT = new PasswordHashing(19 * 1024, 2, 1);
    }

    /**
     * Login tokens, which let a logged-in user sign in another client (client-server API, {@code m.login.token}).
     *
     * @param enabled  whether users may generate them; off unless configured, as the specification advises
     * @param lifetime how long one stays usable
     */
    public record LoginTokens(boolean enabled, Duration lifetime) {
        /** Off; two minutes when turned on, the lifetime the specification suggests. */
        public static final LoginTokens DEFAULT = new LoginTokens(false, Duration.ofMinutes(2));
    }

    /**
     * One token bucket's shape.
     *
     * @param perSecond how many requests a second it refills
     * @param burst     how many requests it holds
     */
    public record RateLimit(double perSecond, int burst) {
    }

    /**
     * The rate limits.
     *
     * @param enabled      whether any limit applies
     * @param login        login attempts per account
     * @param loginIp      login attempts per client address
     * @param registration registration attempts per client address
     * @param requests     other requests of the users endpoints, per user (per address when unauthenticated)
     */
    public record RateLimits(boolean enabled, RateLimit login, RateLimit loginIp, RateLimit registration,
                             RateLimit requests) {
        /** The defaults: generous for people, tight enough to slow password guessing. */
        public static final RateLimits DEFAULT = new RateLimits(true, new RateLimit(0.2, 5), new RateLimit(0.5, 10),
                new RateLimit(0.1, 5), new RateLimit(10, 50));
    }

    /**
     * Checks the section, reporting every problem.
     *
     * @param section  the {@code users} section
     * @param problems where problems go
     */
    public static void verify(Config section, ConfigProblems problems) {
        problems.unknownKeys(section, KEYS);
        problems.unknownKeys(section.get("password_hashing"), HASHING_KEYS);
        problems.unknownKeys(section.get("rate_limits"), LIMITS_KEYS);
        problems.unknownKeys(section.get("login_token"), LOGIN_TOKEN_KEYS);
        for (String key : List.of("login", "login_ip", "registration", "requests")) {
            problems.unknownKeys(section.get("rate_limits").get(key), LIMIT_KEYS);
        }
        read(section, problems);
    }

    /**
     * Reads the section; problems are reported and defaults used in their place.
     *
     * @param section  the {@code users} section
     * @param problems where problems go
     * @return the configuration
     */
    public static UsersConfig read(Config section, ConfigProblems problems) {
        boolean enable = bool(section.get("enable_registration"), false, problems);

        List<String> tokens = List.of();
        Config tokensNode = section.get("registration_tokens");
        if (tokensNode.exists()) {
            tokens = tokensNode.asList(String.class).orElse(List.of());
            if (tokens.isEmpty() || tokens.stream().anyMatch(String::isBlank)) {
                problems.add(tokensNode, "must be a list of non-empty tokens");
            }
        }

        Optional<String> secret = section.get("registration_shared_secret").asString().asOptional();
        if (secret.isPresent() && secret.get().length() < 16) {
            problems.add(section.get("registration_shared_secret"), "must be at least 16 characters");
        }

        return new UsersConfig(enable, tokens, secret, hashing(section.get("password_hashing"), problems),
                duration(section.get("access_token_lifetime"), Duration.ofMinutes(5), problems),
                rateLimits(section.get("rate_limits"), problems),
                new LoginTokens(bool(section.get("login_token").get("enabled"), false, problems),
                        duration(section.get("login_token").get("lifetime"), LoginTokens.DEFAULT.lifetime(), problems)),
                bool(section.get("allow_guest_access"), false, problems));
    }

    private static boolean bool(Config node, boolean fallback, ConfigProblems problems) {
        if (!node.exists()) {
            return fallback;
        }
        String text = node.asString().orElse("");
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        problems.add(node, "must be true or false");
        return fallback;
    }

    private static RateLimits rateLimits(Config node, ConfigProblems problems) {
        RateLimits d = RateLimits.DEFAULT;
        boolean enabled = true;
        Config enabledNode = node.get("enabled");
        if (enabledNode.exists()) {
            String text = enabledNode.asString().orElse("");
            if (text.equals("true") || text.equals("false")) {
                enabled = Boolean.parseBoolean(text);
            } else {
                problems.add(enabledNode, "must be true or false");
            }
        }
        return new RateLimits(enabled, limit(node.get("login"), d.login(), problems),
                limit(node.get("login_ip"), d.loginIp(), problems),
                limit(node.get("registration"), d.registration(), problems),
                limit(node.get("requests"), d.requests(), problems));
    }

    private static RateLimit limit(Config node, RateLimit fallback, ConfigProblems problems) {
        double perSecond = fallback.perSecond();
        Config rate = node.get("per_second");
        if (rate.exists()) {
            try {
                perSecond = Double.parseDouble(rate.asString().orElse("").trim());
            } catch (NumberFormatException e) {
                perSecond = -1;
            }
            if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
                problems.add(rate, "must be a number above zero, such as 0.5 or 10");
                perSecond = fallback.perSecond();
            }
        }
        int burst = positive(node.get("burst"), fallback.burst(), 100_000, problems);
        return new RateLimit(perSecond, burst);
    }

    private static PasswordHashing hashing(Config node, ConfigProblems problems) {
        PasswordHashing d = PasswordHashing.DEFAULT;
        int memoryKib = d.memoryKib();
        Config memory = node.get("memory");
        if (memory.exists()) {
            try {
                long kib = DataUnit.parse(memory.asString().orElse("")).bytes() / 1024;
                if (kib < 8 || kib > 4L * 1024 * 1024) {
                    problems.add(memory, "must be between 8kb and 4gb");
                } else {
                    memoryKib = (int) kib;
                }
            } catch (IllegalArgumentException e) {
                problems.add(memory, e.getMessage());
            }
        }
        int iterations = positive(node.get("iterations"), d.iterations(), 100, problems);
        int parallelism = positive(node.get("parallelism"), d.parallelism(), 64, problems);
        if (memoryKib < 8 * parallelism) {
            problems.add(node, "memory must be at least 8kb per lane of parallelism");
        }
        return new PasswordHashing(memoryKib, iterations, parallelism);
    }

    private static int positive(Config node, int fallback, int max, ConfigProblems problems) {
        if (!node.exists()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(node.asString().orElse("").trim());
            if (value >= 1 && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(node, "must be a whole number from 1 to " + max);
        return fallback;
    }

    /**
     * Parses a duration written as a number and a unit: {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}.
     *
     * @param node     the node
     * @param fallback the value when the node is absent
     * @param problems where a problem goes
     * @return the duration
     */
    static Duration duration(Config node, Duration fallback, ConfigProblems problems) {
        if (!node.exists()) {
            return fallback;
        }
        Matcher m = DURATION.matcher(node.asString().orElse("").trim());
        if (!m.matches()) {
            problems.add(node, "must be a duration such as 500ms, 30s, 5m, 1h or 7d");
            return fallback;
        }
        long n = Long.parseLong(m.group(1));
        Duration value = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (value.isZero()) {
            problems.add(node, "must be longer than zero");
            return fallback;
        }
        return value;
    }
}
