package io.myelin.users.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.myelin.api.ConfigProblems;

import org.junit.jupiter.api.Test;

class UsersConfigTest {

    private static Config users(Map<String, String> values) {
        return Config.just(ConfigSources.create(values)).get("users");
    }

    @Test
    void emptySectionMeansClosedRegistrationAndDefaultCosts() {
        ConfigProblems problems = new ConfigProblems();
        UsersConfig config = UsersConfig.read(users(Map.of()), problems);
        assertTrue(problems.isEmpty(), problems.list().toString());
        assertFalse(config.enableRegistration());
        assertEquals(List.of(), config.registrationTokens());
        assertTrue(config.registrationSharedSecret().isEmpty());
        assertEquals(UsersConfig.PasswordHashing.DEFAULT, config.passwordHashing());
        assertEquals(Duration.ofMinutes(5), config.accessTokenLifetime());
        assertEquals(UsersConfig.RateLimits.DEFAULT, config.rateLimits());
        assertEquals(UsersConfig.LoginTokens.DEFAULT, config.loginTokens());
        assertFalse(config.loginTokens().enabled());
        assertFalse(config.allowGuestAccess());
    }

    @Test
    void loginTokensAndGuestAccessAreRead() {
        ConfigProblems problems = new ConfigProblems();
        UsersConfig config = UsersConfig.read(users(Map.of(
                "users.login_token.enabled", "true",
                "users.login_token.lifetime", "30s",
                "users.allow_guest_access", "true")), problems);
        assertTrue(problems.isEmpty(), problems.list().toString());
        assertEquals(new UsersConfig.LoginTokens(true, Duration.ofSeconds(30)), config.loginTokens());
        assertTrue(config.allowGuestAccess());
    }

    @Test
    void valuesAreRead() {
        ConfigProblems problems = new ConfigProblems();
        UsersConfig config = UsersConfig.read(users(Map.of(
                "users.enable_registration", "true",
                "users.registration_tokens.0", "abc",
                "users.registration_tokens.1", "def",
                "users.password_hashing.memory", "1mb",
                "users.password_hashing.iterations", "4",
                "users.access_token_lifetime", "90s",
                "users.rate_limits.enabled", "false",
                "users.rate_limits.login.per_second", "0.5",
                "users.rate_limits.login.burst", "2")), problems);
        assertTrue(problems.isEmpty(), problems.list().toString());
        assertTrue(config.enableRegistration());
        assertEquals(List.of("abc", "def"), config.registrationTokens());
        assertEquals(new UsersConfig.PasswordHashing(1024, 4, 1), config.passwordHashing());
        assertEquals(Duration.ofSeconds(90), config.accessTokenLifetime());
        assertFalse(config.rateLimits().enabled());
        assertEquals(new UsersConfig.RateLimit(0.5, 2), config.rateLimits().login());
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ConfigProblems problems = new ConfigProblems();
        UsersConfig.verify(users(Map.of(
                "users.enable_registration", "yes",
                "users.password_hashing.parallelism", "0",
                "users.rate_limits.requests.burst", "-3",
                "users.rate_limits.login.rate", "3",
                "users.colour", "blue",
                "users.login_token.enabled", "sometimes",
                "users.login_token.ttl", "1m",
                "users.allow_guest_access", "1")), problems);
        String text = String.join("\n", problems.list());
        for (String key : List.of("users.enable_registration", "users.password_hashing.parallelism",
                "users.login_token.enabled", "users.login_token.ttl", "users.allow_guest_access",
                "users.rate_limits.requests.burst", "users.rate_limits.login.rate", "users.colour")) {
            assertTrue(text.contains(key + ":"), key + " in " + text);
        }
    }
}
