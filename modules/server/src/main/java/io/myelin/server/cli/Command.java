package io.myelin.server.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

/**
 * A sub-command of the {@code myelin} command line, such as {@code myelin canonical-json}.
 */
public interface Command {

    /** Exit status of a command that did what it was asked. */
    int OK = 0;
    /** Exit status of a command that failed. */
    int FAILURE = 1;
    /** Exit status of a command given arguments it does not understand. */
    int USAGE = 2;

    /** @return the name typed after {@code myelin} */
    String name();

    /** @return one line for {@code myelin --help} */
    String summary();

    /**
     * Runs the command.
     *
     * @param args the arguments after the command's name
     * @param in   standard input
     * @param out  standard output
     * @param err  standard error
     * @return the exit status: {@link #OK}, {@link #FAILURE} or {@link #USAGE}
     */
    int run(List<String> args, InputStream in, PrintStream out, PrintStream err);
}
