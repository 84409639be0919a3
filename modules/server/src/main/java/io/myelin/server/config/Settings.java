package io.myelin.server.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.myelin.api.ConfigProblems;

/**
 * Loads Myelin's configuration: one YAML file, overridden by {@code MYELIN_*} environment variables.
 *
 * <p>An environment variable names a key by its path, upper-cased, with {@code __} between levels:
 * {@code MYELIN_SERVER__NAME=example.org} sets {@code server.name} and
 * {@code MYELIN_CACHE__MAX_SIZE_ESTIMATED=2gb} sets {@code cache.max_size_estimated}. Without a file the
 * server runs on development defaults (see {@link CoreConfig}).
 */
public final class Settings {

    /** The configuration file format version this build reads. */
    public static final int VERSION = 1;

    private static final String ENV_PREFIX = "MYELIN_";
    /** Variables of the launcher and the command line that are not configuration keys. */
    private static final java.util.Set<String> NOT_KEYS = java.util.Set.of("MYELIN_CONFIG", "MYELIN_JAVA_OPTS");

    private Settings() {
    }

    /**
     * Loads the configuration.
     *
     * @param file the YAML file, or null for development defaults
     * @param env  the environment to take overrides from
     * @return the root configuration node
     * @throws ConfigException when the file is missing or unreadable
     */
    public static Config load(Path file, Map<String, String> env) {
        var builder = Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .addSource(ConfigSources.create(overrides(env)));
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new ConfigException(List.of(file + ": no such configuration file"));
            }
            builder.addSource(ConfigSources.file(file).build());
        }
        return builder.build();
    }

    /**
     * Turns {@code MYELIN_A__B_C=v} environment variables into {@code a.b_c=v} keys.
     *
     * @param env the environment
     * @return the override keys
     */
    static Map<String, String> overrides(Map<String, String> env) {
        Map<String, String> keys = new HashMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length() && !NOT_KEYS.contains(name)
                    && !name.startsWith("MYELIN_TEST_")) {
                String path = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace("__", ".");
                keys.put(path, value);
            }
        });
        return keys;
    }

    /**
     * Checks the {@code version} field: required in a file, and it must be one this build reads.
     *
     * @param root     the root node
     * @param fromFile whether a file was given
     * @param problems where problems go
     */
    public static void verifyVersion(Config root, boolean fromFile, ConfigProblems problems) {
        Config version = root.get("version");
        if (!version.exists()) {
            if (fromFile) {
                problems.add("version", "missing; this build reads configuration version " + VERSION);
            }
            return;
        }
        if (!version.asString().orElse("").equals(String.valueOf(VERSION))) {
            problems.add("version", "'" + version.asString().orElse("") + "' is not supported; this build reads "
                    + "configuration version " + VERSION);
        }
    }
}
