package io.myelin.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.helidon.config.Config;

/**
 * Collects configuration problems so that all of them are reported together.
 */
public final class ConfigProblems {

    private final List<String> problems = new ArrayList<>();

    /**
     * Records a problem with a key.
     *
     * @param key     the offending key as its dotted path, for example {@code cache.max_size_estimated}
     * @param message what is wrong, for an operator
     */
    public void add(String key, String message) {
        problems.add(key + ": " + message);
    }

    /**
     * Records a problem with a configuration node.
     *
     * @param node    the offending node
     * @param message what is wrong
     */
    public void add(Config node, String message) {
        add(node.key().toString(), message);
    }

    /**
     * Reports every child of {@code section} whose name is not in {@code known}.
     *
     * @param section the section to check
     * @param known   the keys the section may have
     */
    public void unknownKeys(Config section, List<String> known) {
        if (!section.exists() || !section.isObject()) {
            return;
        }
        for (Config child : section.asNodeList().orElse(List.of())) {
            if (!known.contains(child.name())) {
                add(child, "unknown key (known: " + String.join(", ", known) + ")");
            }
        }
    }

    /**
     * Whether nothing was reported.
     *
     * @return true when there are no problems
     */
    public boolean isEmpty() {
        return problems.isEmpty();
    }

    /**
     * The problems in the order they were found.
     *
     * @return an unmodifiable list of {@code key: message} lines
     */
    public List<String> list() {
        return Collections.unmodifiableList(problems);
    }
}
