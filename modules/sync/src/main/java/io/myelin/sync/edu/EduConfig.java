package io.myelin.sync.edu;

import java.util.List;

import io.helidon.config.Config;
import io.myelin.api.ConfigProblems;

/**
 * The {@code sync} section's settings of typing, receipts and presence.
 *
 * @param presenceEnabled {@code presence.enabled}: whether presence is tracked and sent (default false)
 */
public record EduConfig(boolean presenceEnabled) {

    /**
     * Reads the settings, reporting every malformed value.
     *
     * @param section  the {@code sync} section
     * @param problems where problems go
     * @return the settings, with defaults where a value is missing or malformed
     */
    public static EduConfig read(Config section, ConfigProblems problems) {
        Config presence = section.get("presence");
        problems.unknownKeys(presence, List.of("enabled"));
        Config enabled = presence.get("enabled");
        boolean on = false;
        if (enabled.exists()) {
            String text = enabled.asString().orElse("");
            if (text.equals("true") || text.equals("false")) {
                on = Boolean.parseBoolean(text);
            } else {
                problems.add(enabled, "must be true or false");
            }
        }
        return new EduConfig(on);
    }
}
