package io.myelin.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import io.myelin.api.Component;
import io.myelin.api.ConfigProblems;
import io.myelin.api.Durations;
import io.myelin.server.config.ConfigException;
import io.myelin.server.config.CoreConfig;
import io.myelin.server.config.Settings;

/**
 * {@code myelin wait-ready [--config FILE] [--timeout 60s]}: waits until the server that configuration
 * describes answers {@code GET /_matrix/client/versions} with 200 on its client listener, for service
 * managers that need to know when start-up is done (the systemd unit's {@code ExecStartPost}).
 * Exits 0 once it does, 1 when the time runs out.
 */
public final class WaitReadyCommand implements Command {

    private static final String USAGE_LINE = "usage: myelin wait-ready [--config FILE] [--timeout 60s]";

    private final Map<String, String> env;

    /**
     * @param env the environment, for {@code MYELIN_CONFIG} and key overrides
     */
    public WaitReadyCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public String name() {
        return "wait-ready";
    }

    @Override
    public String summary() {
        return "wait until the configured server answers [--config FILE] [--timeout 60s]";
    }

    @Override
    public int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        Path file = env.containsKey("MYELIN_CONFIG") ? Path.of(env.get("MYELIN_CONFIG")) : null;
        Duration timeout = Duration.ofSeconds(60);
        List<String> rest = new ArrayList<>(args);
        try {
            while (!rest.isEmpty()) {
                String arg = rest.removeFirst();
                if (arg.equals("--config") && !rest.isEmpty()) {
                    file = Path.of(rest.removeFirst());
                } else if (arg.equals("--timeout") && !rest.isEmpty()) {
                    timeout = Durations.parse(rest.removeFirst());
                } else {
                    err.println(USAGE_LINE);
                    return USAGE;
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("myelin wait-ready: --timeout: " + e.getMessage());
            return USAGE;
        }

        URI uri;
        try {
            uri = versionsUri(file);
        } catch (ConfigException e) {
            err.println("myelin wait-ready: " + e.getMessage());
            return FAILURE;
        }
        return poll(uri, timeout, err);
    }

    private URI versionsUri(Path file) {
        var root = Settings.load(file, env);
        List<String> sections = ServiceLoader.load(Component.class).stream()
                .map(p -> p.get().configKey())
                .toList();
        ConfigProblems problems = new ConfigProblems();
        CoreConfig core = CoreConfig.read(root, file == null, sections, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.list());
        }
        String host = core.client().host();
        // A wildcard bind is reached on loopback; an IPv6 literal needs brackets in a URI.
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = "127.0.0.1";
        } else if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        String scheme = core.client().tls().isPresent() ? "https" : "http";
        return URI.create(scheme + "://" + host + ":" + core.client().port() + "/_matrix/client/versions");
    }

    private static int poll(URI uri, Duration timeout, PrintStream err) {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(2))
                .sslContext(trustingContext())
                .build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return OK;
                }
            } catch (IOException e) {
                // Not listening yet; try again until the deadline.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return FAILURE;
            }
            if (System.nanoTime() > deadline) {
                err.println("myelin wait-ready: " + uri + " did not answer 200 within " + Durations.format(timeout));
                return FAILURE;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return FAILURE;
            }
        }
    }

    /**
     * The probe only asks whether this machine's own server answers; it sends nothing secret, so the
     * certificate (often issued for the public name, not for loopback) is not checked.
     */
    private static SSLContext trustingContext() {
        TrustManager trustAll = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustAll}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this runtime", e);
        }
    }
}
