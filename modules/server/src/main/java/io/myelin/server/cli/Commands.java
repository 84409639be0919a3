package io.myelin.server.cli;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every sub-command of {@code myelin}.
 */
public final class Commands {

    private Commands() {
    }

    /**
     * @param env the environment the command line runs in
     * @return every sub-command, in the order {@code --help} lists them
     */
    public static List<Command> all(Map<String, String> env) {
        return List.of(
                new GenerateKeysCommand(),
                new SignJsonCommand(),
                new CanonicalJsonCommand(),
                new ResolveStateCommand(env),
                new WaitReadyCommand(env));
    }

    /**
     * @param name the name typed
     * @param env  the environment the command line runs in
     * @return the command, if there is one of that name
     */
    public static Optional<Command> find(String name, Map<String, String> env) {
        return all(env).stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
