package io.myelin.server.cli;

import java.util.List;
import java.util.Optional;

/**
 * Every sub-command of {@code myelin}.
 */
public final class Commands {

    private static final List<Command> ALL = List.of(
            new GenerateKeysCommand(),
            new SignJsonCommand(),
            new CanonicalJsonCommand(),
            new ResolveStateCommand());

    private Commands() {
    }

    /** @return every sub-command, in the order {@code --help} lists them */
    public static List<Command> all() {
        return ALL;
    }

    /**
     * @param name the name typed
     * @return the command, if there is one of that name
     */
    public static Optional<Command> find(String name) {
        return ALL.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
