package io.myelin.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.myelin.server.cli.Command;
import io.myelin.server.cli.Commands;
import io.myelin.server.config.ConfigException;
import io.myelin.server.config.Settings;

import sun.misc.Signal;

/**
 * The {@code myelin} command: runs the server, or one of the {@link Commands tools}.
 */
public final class Main {

    private static final System.Logger LOG = System.getLogger(Main.class.getName());

    private Main() {
    }

    /**
     * Runs the command and exits with its status: 0 ok, 1 failure, 2 usage.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        int status = run(List.of(args), System.in, out, err, System.getenv());
        out.flush();
        System.exit(status);
    }

    /**
     * Runs the command line without exiting, for tests.
     *
     * @param args the arguments
     * @param in   standard input
     * @param out  standard output
     * @param err  standard error
     * @param env  the environment
     * @return the exit status
     */
    static int run(List<String> args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
        if (!args.isEmpty() && !args.getFirst().startsWith("-")) {
            var command = Commands.find(args.getFirst(), env);
            if (command.isEmpty()) {
                err.println("myelin: unknown command '" + args.getFirst() + "'; see myelin --help");
                return Command.USAGE;
            }
            return command.get().run(args.subList(1, args.size()), in, out, err);
        }

        Path config = env.containsKey("MYELIN_CONFIG") ? Path.of(env.get("MYELIN_CONFIG")) : null;
        boolean exitAfterStart = false;
        List<String> rest = new ArrayList<>(args);
        while (!rest.isEmpty()) {
            String arg = rest.removeFirst();
            switch (arg) {
                case "-h", "--help" -> {
                    out.print(help(env));
                    return Command.OK;
                }
                case "-V", "--version" -> {
                    out.println("myelin " + version());
                    return Command.OK;
                }
                case "-c", "--config" -> {
                    if (rest.isEmpty()) {
                        err.println("myelin: --config needs a file");
                        return Command.USAGE;
                    }
                    config = Path.of(rest.removeFirst());
                }
                case "--exit-after-start" -> exitAfterStart = true;
                default -> {
                    err.println("myelin: unknown option '" + arg + "'; see myelin --help");
                    return Command.USAGE;
                }
            }
        }
        return serve(config, exitAfterStart, err, env);
    }

    private static int serve(Path configFile, boolean exitAfterStart, PrintStream err, Map<String, String> env) {
        LogConfig.configureRuntime();
        MyelinServer server;
        try {
            Config config = Settings.load(configFile, env);
            server = MyelinServer.start(config, configFile == null);
        } catch (ConfigException e) {
            err.println("myelin: " + (configFile == null ? "" : configFile + ": ") + e.getMessage());
            return Command.FAILURE;
        } catch (Exception e) {
            LOG.log(System.Logger.Level.ERROR, "Myelin could not start", e);
            err.println("myelin: could not start: " + e.getMessage());
            return Command.FAILURE;
        }
        if (configFile == null) {
            LOG.log(System.Logger.Level.INFO,
                    "No configuration file: development defaults, listening on loopback only");
        }
        if (!exitAfterStart) {
            awaitSignal();
        }
        server.stop();
        return Command.OK;
    }

    /** Blocks until SIGTERM or SIGINT, so that either ends in an orderly stop and exit status 0. */
    private static void awaitSignal() {
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.log(System.Logger.Level.INFO, "Stopping on signal");
    }

    private static String help(Map<String, String> env) {
        StringBuilder text = new StringBuilder("""
                Usage: myelin [--config FILE] [--exit-after-start]
                       myelin COMMAND [ARGS...]
                       myelin --help | --version

                Runs the Myelin Matrix homeserver. Without a configuration file (--config or
                MYELIN_CONFIG) it starts on development defaults: server name localhost:8008,
                data in ./data, listening on loopback only. MYELIN_<SECTION>__<KEY> environment
                variables override configuration keys, e.g. MYELIN_SERVER__NAME=example.org.

                Options:
                  -c, --config FILE     read the configuration from FILE
                      --exit-after-start  start, then stop at once (checks a configuration)
                  -h, --help            print this help
                  -V, --version         print the version

                Exit status: 0 ok, 1 failure, 2 usage error.
                """);
        List<Command> commands = Commands.all(env);
        if (!commands.isEmpty()) {
            text.append("\nCommands:\n");
            for (Command c : commands) {
                text.append(String.format("  %-20s %s%n", c.name(), c.summary()));
            }
        }
        return text.toString();
    }

    /**
     * The version this build carries.
     *
     * @return the version, for example {@code 0.1.0}
     */
    static String version() {
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            Properties props = new Properties();
            if (in != null) {
                props.load(in);
            }
            return props.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
