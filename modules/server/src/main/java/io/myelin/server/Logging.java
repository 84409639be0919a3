package io.myelin.server;

import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Applies {@code logging.level} to Myelin's own loggers. The rest of JUL's setup comes from the logging
 * configuration file the launcher names ({@code etc/logging.properties}).
 */
final class Logging {

    private static final Logger MYELIN = Logger.getLogger("io.myelin");

    private Logging() {
    }

    static void apply(String level) {
        MYELIN.setLevel(switch (level.toUpperCase(Locale.ROOT)) {
            case "ERROR" -> Level.SEVERE;
            case "WARN" -> Level.WARNING;
            case "DEBUG" -> Level.FINE;
            case "TRACE" -> Level.FINEST;
            default -> Level.parse(level.toUpperCase(Locale.ROOT));
        });
    }
}
