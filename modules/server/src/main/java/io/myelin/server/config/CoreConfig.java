package io.myelin.server.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import io.helidon.config.Config;
import io.myelin.api.ConfigProblems;
import io.myelin.api.DataUnit;

/**
 * The sections the server itself reads: {@code server}, {@code listeners}, {@code metrics} and
 * {@code logging}. Component sections are verified by their components.
 *
 * @param serverName     the Matrix server name
 * @param dataDir        where the server keeps its files
 * @param maxRequestSize the largest request body a listener accepts
 * @param wellKnown      what {@code /.well-known/matrix/*} announces
 * @param client         the client-server listener
 * @param federation     the server-server listener
 * @param metrics        the metrics endpoint
 * @param logLevel       the level of Myelin's own loggers
 */
public record CoreConfig(String serverName,
                         Path dataDir,
                         DataUnit maxRequestSize,
                         WellKnown wellKnown,
                         Listener client,
                         Listener federation,
                         Metrics metrics,
                         String logLevel) {

    /** Top-level keys the server itself reads; components add their own sections. */
    public static final List<String> CORE_KEYS = List.of("version", "server", "listeners", "metrics", "logging");

    private static final List<String> LOG_LEVELS = List.of("SEVERE", "WARNING", "INFO", "CONFIG", "FINE", "FINER",
            "FINEST", "ALL", "OFF", "ERROR", "WARN", "DEBUG", "TRACE");

    /**
     * A listener.
     *
     * @param enabled   whether it listens at all
     * @param host      the address to bind
     * @param port      the port (0 picks a free one)
     * @param tls       TLS material, empty for plain HTTP
     * @param plainHttp whether plain HTTP was allowed explicitly (federation only)
     * @param maxConnections the most connections open at once, 0 to derive it from the process's limit of open
     *                       files; past it the listener waits for a connection to close before accepting more
     */
    public record Listener(boolean enabled, String host, int port, Optional<Tls> tls, boolean plainHttp,
                           int maxConnections) {
    }

    /**
     * TLS material: PEM files or a PKCS#12 keystore.
     *
     * @param certificate        PEM certificate chain, or null
     * @param privateKey         PEM private key, or null
     * @param keystore           PKCS#12 keystore, or null
     * @param keystorePassphrase the keystore's passphrase, or null
     */
    public record Tls(Path certificate, Path privateKey, Path keystore, String keystorePassphrase) {
        @Override
        public String toString() {
            return keystore != null ? "PKCS#12 " + keystore : "PEM " + certificate;
        }
    }

    /**
     * The Prometheus endpoint.
     *
     * @param enabled  whether it is served
     * @param path     its path on the client listener
     * @param username basic-auth user, or null for none
     * @param password basic-auth password, or null
     */
    public record Metrics(boolean enabled, String path, String username, String password) {
        @Override
        public String toString() {
            return "Metrics[enabled=" + enabled + ", path=" + path + ", auth=" + (username != null) + "]";
        }
    }

    /**
     * What {@code /.well-known/matrix/client} and {@code /server} announce.
     *
     * @param clientBaseUrl  the homeserver base URL for clients, or null to derive it from the server name
     * @param serverDelegate the {@code m.server} delegation target, or null to serve 404
     */
    public record WellKnown(String clientBaseUrl, String serverDelegate) {
    }

    /**
     * Reads the core sections, reporting every problem to {@code problems}.
     *
     * @param root        the root configuration
     * @param development   whether no file was given (development defaults apply)
     * @param componentKeys the sections components read; any other top-level key is reported unknown
     * @param problems      where problems go
     * @return the core configuration (meaningful only when no problem was reported)
     */
    public static CoreConfig read(Config root, boolean development, Collection<String> componentKeys,
                                  ConfigProblems problems) {
        List<String> sections = new ArrayList<>(CORE_KEYS);
        sections.addAll(componentKeys);
        problems.unknownKeys(root, sections);

        Config server = root.get("server");
        problems.unknownKeys(server, List.of("name", "data_dir", "max_request_size", "well_known"));
        String name = server.get("name").asString().orElse(development ? "localhost:8008" : null);
        if (name == null || name.isBlank()) {
            problems.add("server.name", "required: the Matrix server name, such as example.org");
        } else if (!name.matches("[A-Za-z0-9.\\-]+(:\\d{1,5})?|\\[[0-9A-Fa-f:.]+](:\\d{1,5})?")) {
            problems.add("server.name", "'" + name + "' is not a server name (a DNS name or IP literal, "
                    + "optional port)");
        }
        Path dataDir = Path.of(server.get("data_dir").asString().orElse("./data"));
        DataUnit maxRequest = size(server.get("max_request_size"), "50mb", problems);
        Config wellKnown = server.get("well_known");
        problems.unknownKeys(wellKnown, List.of("client_base_url", "server_delegate"));
        WellKnown known = new WellKnown(wellKnown.get("client_base_url").asString().orElse(null),
                wellKnown.get("server_delegate").asString().orElse(null));

        Config listeners = root.get("listeners");
        problems.unknownKeys(listeners, List.of("client", "federation"));
        Listener client = listener(listeners.get("client"), 8008, development, false, problems);
        Listener federation = listener(listeners.get("federation"), 8448, development, true, problems);

        Config metricsNode = root.get("metrics");
        problems.unknownKeys(metricsNode, List.of("enabled", "path", "basic_auth"));
        Config auth = metricsNode.get("basic_auth");
        problems.unknownKeys(auth, List.of("username", "password"));
        String path = metricsNode.get("path").asString().orElse("/metrics");
        if (!path.startsWith("/") || path.length() < 2) {
            problems.add("metrics.path", "'" + path + "' must be an absolute path such as /metrics");
        }
        String user = auth.get("username").asString().orElse(null);
        String password = auth.get("password").asString().orElse(null);
        if ((user == null) != (password == null)) {
            problems.add("metrics.basic_auth", "set both username and password, or neither");
        }
        Metrics metrics = new Metrics(bool(metricsNode.get("enabled"), false, problems), path, user, password);

        Config logging = root.get("logging");
        problems.unknownKeys(logging, List.of("level"));
        String level = logging.get("level").asString().orElse("INFO").toUpperCase(java.util.Locale.ROOT);
        if (!LOG_LEVELS.contains(level)) {
            problems.add("logging.level", "'" + level + "' is not a level (one of "
                    + String.join(", ", LOG_LEVELS) + ")");
        }
        return new CoreConfig(name, dataDir, maxRequest, known, client, federation, metrics, level);
    }

    private static Listener listener(Config node, int defaultPort, boolean development, boolean federation,
                                     ConfigProblems problems) {
        problems.unknownKeys(node, federation
                ? List.of("enabled", "host", "port", "tls", "plain_http", "max_connections")
                : List.of("enabled", "host", "port", "tls", "max_connections"));
        boolean enabled = bool(node.get("enabled"), true, problems);
        // Development mode binds loopback only: nothing outside the machine reaches an unconfigured server.
        String host = node.get("host").asString().orElse(development ? "127.0.0.1" : "0.0.0.0");
        int port = defaultPort;
        Config portNode = node.get("port");
        if (portNode.exists()) {
            String text = portNode.asString().orElse("");
            if (!text.matches("\\d{1,5}") || Integer.parseInt(text) > 65535) {
                problems.add(portNode, "'" + text + "' is not a port (0 to 65535)");
            } else {
                port = Integer.parseInt(text);
            }
        }
        Optional<Tls> tls = tls(node.get("tls"), problems);
        boolean plain = federation && bool(node.get("plain_http"), development, problems);
        if (federation && enabled && tls.isEmpty() && !plain) {
            problems.add(node.key().toString(), "needs tls (certificate and private_key, or keystore) "
                    + "or plain_http: true for a server behind a TLS-terminating proxy");
        }
        int maxConnections = 0;
        Config limitNode = node.get("max_connections");
        if (limitNode.exists()) {
            String text = limitNode.asString().orElse("");
            if (!text.matches("[1-9]\\d{0,8}")) {
                problems.add(limitNode, "'" + text + "' is not a number of connections (1 or more)");
            } else {
                maxConnections = Integer.parseInt(text);
            }
        }
        return new Listener(enabled, host, port, tls, plain, maxConnections);
    }

    private static Optional<Tls> tls(Config node, ConfigProblems problems) {
        if (!node.exists()) {
            return Optional.empty();
        }
        problems.unknownKeys(node, List.of("certificate", "private_key", "keystore", "keystore_passphrase"));
        Path cert = node.get("certificate").asString().map(Path::of).orElse(null);
        Path key = node.get("private_key").asString().map(Path::of).orElse(null);
        Path keystore = node.get("keystore").asString().map(Path::of).orElse(null);
        String passphrase = node.get("keystore_passphrase").asString().orElse(null);
        if (keystore == null && (cert == null || key == null)) {
            problems.add(node, "give certificate and private_key (PEM files) or keystore (PKCS#12)");
        }
        for (Path p : new Path[] {cert, key, keystore}) {
            if (p != null && !java.nio.file.Files.isReadable(p)) {
                problems.add(node, "cannot read " + p);
            }
        }
        return Optional.of(new Tls(cert, key, keystore, passphrase));
    }

    private static boolean bool(Config node, boolean fallback, ConfigProblems problems) {
        if (!node.exists()) {
            return fallback;
        }
        String text = node.asString().orElse("");
        return switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                problems.add(node, "'" + text + "' is not true or false");
                yield fallback;
            }
        };
    }

    private static DataUnit size(Config node, String fallback, ConfigProblems problems) {
        String text = node.asString().orElse(fallback);
        try {
            return DataUnit.parse(text);
        } catch (IllegalArgumentException e) {
            problems.add(node, e.getMessage());
            return DataUnit.parse(fallback);
        }
    }
}
