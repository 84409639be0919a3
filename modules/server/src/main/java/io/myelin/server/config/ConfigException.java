package io.myelin.server.config;

import java.util.List;

/**
 * The configuration cannot be used; carries every problem found, one per line.
 */
public final class ConfigException extends RuntimeException {

    private final List<String> problems;

    /**
     * @param problems the problems, each {@code key: message}
     */
    public ConfigException(List<String> problems) {
        super("invalid configuration:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** @return the problems, each {@code key: message} */
    public List<String> problems() {
        return problems;
    }
}
