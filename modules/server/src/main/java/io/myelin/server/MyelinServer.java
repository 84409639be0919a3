package io.myelin.server;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import io.helidon.config.Config;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.myelin.api.Component;
import io.myelin.api.ConfigProblems;
import io.myelin.api.ServerIdentity;
import io.myelin.api.StartContext;
import io.myelin.server.config.ConfigException;
import io.myelin.server.config.CoreConfig;
import io.myelin.server.config.Settings;
import io.myelin.server.http.Cors;
import io.myelin.server.http.Discovery;
import io.myelin.server.http.ErrorResponses;
import io.myelin.server.http.MetricsEndpoint;
import io.myelin.server.http.RequestMetrics;
import io.myelin.server.http.RouteTable;
import io.myelin.server.wiring.ComponentGraph;

/**
 * A running Myelin: its components started in dependency order, its listeners open. {@link #stop()}
 * closes the listeners, letting in-flight requests finish, then stops the components in reverse order.
 */
public final class MyelinServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(MyelinServer.class.getName());
    private static final String FEDERATION_SOCKET = "federation";

    private final CoreConfig core;
    private final List<Component> started;
    private final WebServer webServer;

    private MyelinServer(CoreConfig core, List<Component> started, WebServer webServer) {
        this.core = core;
        this.started = started;
        this.webServer = webServer;
    }

    /**
     * Verifies the configuration, starts every component and opens the listeners.
     *
     * @param root        the root configuration
     * @param development whether no configuration file was given
     * @return the running server
     * @throws ConfigException when the configuration has problems (all of them are listed)
     * @throws Exception       when a component fails to start; those already started are stopped again
     */
    public static MyelinServer start(Config root, boolean development) throws Exception {
        return start(root, development, List.of());
    }

    /**
     * Starts the server with components beyond those {@link ServiceLoader} finds, for tests that need an
     * endpoint no real component has.
     */
    static MyelinServer start(Config root, boolean development, List<Component> extra) throws Exception {
        long begin = System.nanoTime();
        List<Component> components = new ArrayList<>(extra);
        ServiceLoader.load(Component.class).stream().map(ServiceLoader.Provider::get).forEach(components::add);

        ConfigProblems problems = new ConfigProblems();
        Settings.verifyVersion(root, !development, problems);
        CoreConfig core = CoreConfig.read(root, development,
                components.stream().map(Component::configKey).toList(), problems);
        for (Component c : components) {
            c.verify(root.get(c.configKey()), problems);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.list());
        }
        Logging.apply(core.logLevel());
        List<Component> order = ComponentGraph.startOrder(components);

        Files.createDirectories(core.dataDir());
        var keys = ServerKeys.loadOrGenerate(core.dataDir());
        ServerIdentity identity = new ServerIdentity(core.serverName(), core.dataDir().toAbsolutePath(),
                keys.getFirst(), keys.subList(1, keys.size()));
        MeterRegistry meters = Metrics.globalRegistry();
        Map<Class<?>, Object> services = StartContext.newRegistry();
        List<Component> started = new ArrayList<>();
        try {
            for (Component c : order) {
                c.start(new StartContext(c, root, identity, meters, Clock.systemUTC(), services));
                started.add(c);
            }
            RouteTable routes = new RouteTable();
            Discovery.install(routes, core.serverName(), core.wellKnown());
            for (Component c : started) {
                c.routes(routes);
            }
            WebServer webServer = webServer(core, routes, meters).start();
            // Helidon logs a listener that cannot bind (a port in use) and stops, but returns normally.
            if (!webServer.isRunning()) {
                throw new IllegalStateException("the listeners did not start; the log above says why (is "
                        + core.client().host() + ":" + core.client().port() + " or the federation port in use?)");
            }
            MyelinServer server = new MyelinServer(core, List.copyOf(started), webServer);
            LOG.log(System.Logger.Level.INFO, "Myelin " + Main.version() + " serving " + core.serverName()
                    + ": client API on " + core.client().host() + ":" + server.clientPort()
                    + (core.federation().enabled() ? ", federation on " + core.federation().host() + ":"
                    + server.federationPort() + (core.federation().tls().isPresent() ? " (TLS)" : " (plain HTTP)")
                    : ", federation off")
                    + ", started in " + Duration.ofNanos(System.nanoTime() - begin).toMillis() + " ms");
            return server;
        } catch (Exception | Error e) {
            stopAll(started);
            throw e;
        }
    }

    private static WebServer webServer(CoreConfig core, RouteTable routes, MeterRegistry meters) {
        ConnectionLimits limits = ConnectionLimits.of(core);
        LOG.log(System.Logger.Level.INFO, "listeners: at most " + describe(limits.client())
                + " connections open on the client listener"
                + (core.federation().enabled() ? ", " + describe(limits.federation()) + " on federation" : ""));
        WebServerConfig.Builder builder = WebServer.builder()
                .featuresDiscoverServices(false)
                .shutdownHook(false)
                .host(core.client().host())
                .port(core.client().port())
                .maxTcpConnections(limits.client())
                // Helidon's NIO sockets hold two 8 KiB buffers per connection, its stream sockets one: 80 MB
                // less with 10,000 long polls open, at the same request rate (docs/benchmarks-sync.md).
                .useNio(false)
                .maxPayloadSize(core.maxRequestSize().bytes())
                .shutdownGracePeriod(Duration.ofSeconds(10))
                .directHandlers(ErrorResponses.directHandlers());

        HttpRouting.Builder client = HttpRouting.builder();
        client.addFilter(new Cors());
        client.addFilter(new RequestMetrics(meters, "client"));
        MetricsEndpoint.install(builder, client, core.metrics(), meters);
        ErrorResponses.install(client);
        routes.installClient(client);
        builder.routing(client);

        if (core.federation().enabled()) {
            HttpRouting.Builder federation = HttpRouting.builder();
            federation.addFilter(new RequestMetrics(meters, "federation"));
            ErrorResponses.install(federation);
            routes.installFederation(federation);
            builder.putSocket(FEDERATION_SOCKET, socket -> {
                socket.host(core.federation().host())
                        .port(core.federation().port())
                        .maxTcpConnections(limits.federation())
                        .useNio(false)
                        .maxPayloadSize(core.maxRequestSize().bytes())
                        .shutdownGracePeriod(Duration.ofSeconds(10))
                        .directHandlers(ErrorResponses.directHandlers())
                        .routing(federation);
                core.federation().tls().ifPresent(tls -> socket.tls(TlsSetup.create(tls)));
            });
        }
        core.client().tls().ifPresent(tls -> builder.tls(TlsSetup.create(tls)));
        return builder.build();
    }

    private static String describe(int limit) {
        return limit < 0 ? "unlimited" : Integer.toString(limit);
    }

    /** @return the port the client listener is bound to */
    public int clientPort() {
        return webServer.port();
    }

    /** @return the port the federation listener is bound to, or -1 when it is off */
    public int federationPort() {
        return core.federation().enabled() ? webServer.port(FEDERATION_SOCKET) : -1;
    }

    /** @return the server's configuration */
    public CoreConfig config() {
        return core;
    }

    /**
     * Stops the listeners (in-flight requests finish first), then the components in reverse start order.
     */
    public void stop() {
        long begin = System.nanoTime();
        webServer.stop();
        stopAll(started);
        LOG.log(System.Logger.Level.INFO, "Myelin stopped in " + Duration.ofNanos(System.nanoTime() - begin).toMillis()
                + " ms");
    }

    @Override
    public void close() {
        stop();
    }

    private static void stopAll(List<Component> started) {
        for (int i = started.size() - 1; i >= 0; i--) {
            Component c = started.get(i);
            try {
                c.stop();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, c.name() + ": failed to stop cleanly", e);
            }
        }
    }
}
