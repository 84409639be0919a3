package io.myelin.bench.sync;

import java.io.IOException;
import java.io.StringReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/**
 * Load driver for {@code /sync} over HTTP on loopback, against a server it starts as a child process on
 * embedded defaults (SQLite, embedded bus) in a temporary data directory.
 *
 * <p>Scenarios (issue figures in brackets):
 * <ul>
 *   <li>{@code wake}: one user sends a message, another user's long-polling {@code /sync} returns with it; the
 *       latency from the send's answer to that {@code /sync}'s answer, p50/p99, while {@code --idle} other
 *       long polls stay open [p99 under 10 ms with 1,000 idle];</li>
 *   <li>{@code initial}: the initial {@code /sync} of an account in {@code --rooms} rooms with
 *       {@code --events} events each [under 500 ms for 500 x 50];</li>
 *   <li>{@code memory}: the server's resident memory with {@code --pollers} idle long polls open [under
 *       512 MB for 10,000].</li>
 * </ul>
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.myelin.bench.sync.SyncLoad [--scenarios
 * wake,initial,memory] [--idle 1000] [--samples 200] [--rooms 500] [--events 50] [--pollers 10000]
 * [--server bin/myelin-dev]}. Build the server first ({@code ./mvnw -B -DskipTests package}).
 */
public final class SyncLoad {

    private static final String PASSWORD = "bench-password";
    private static final Duration POLL = Duration.ofSeconds(30);

    private final HttpClient http;
    private final String base;
    private final AtomicInteger txn = new AtomicInteger();

    private SyncLoad(HttpClient http, String base) {
        this.http = http;
        this.base = base;
    }

    /**
     * Starts the server, runs the scenarios and prints their figures.
     *
     * @param args options, see the class comment
     * @throws Exception when the server cannot start or a request fails
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        List<String> scenarios = Arrays.asList(options.getOrDefault("scenarios", "wake,initial,memory").split(","));
        Path dir = Files.createTempDirectory("myelin-syncload-");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path config = dir.resolve("myelin.yaml");
        Files.writeString(config, """
                version: 1
                server:
                  name: bench.local
                  data_dir: %s
                listeners:
                  client:
                    host: 127.0.0.1
                    port: %d
                  federation:
                    enabled: false
                users:
                  enable_registration: true
                  password_hashing:
                    memory: 64kb
                    iterations: 1
                  rate_limits:
                    enabled: false
                """.formatted(dir.resolve("data"), port));
        String server = options.getOrDefault("server", "bin/myelin-dev");
        Process process = new ProcessBuilder(server, "--config", config.toString())
                .redirectOutput(dir.resolve("server.log").toFile()).redirectErrorStream(true).start();
        System.out.println(Machine.describe());
        System.out.println("server pid " + process.pid() + ", log " + dir.resolve("server.log"));
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            HttpClient http = HttpClient.newBuilder().executor(threads).connectTimeout(Duration.ofSeconds(10))
                    .version(HttpClient.Version.HTTP_1_1).build();
            SyncLoad load = new SyncLoad(http, "http://127.0.0.1:" + port);
            load.awaitUp(process);
            System.out.printf("server resident at start: %d MB%n", Machine.residentMb(process.pid()));
            if (scenarios.contains("wake")) {
                load.wake(threads, Integer.parseInt(options.getOrDefault("idle", "1000")),
                        Integer.parseInt(options.getOrDefault("samples", "200")));
            }
            if (scenarios.contains("initial")) {
                load.initial(threads, Integer.parseInt(options.getOrDefault("rooms", "500")),
                        Integer.parseInt(options.getOrDefault("events", "50")));
            }
            if (scenarios.contains("memory")) {
                load.memory(threads, process.pid(), Integer.parseInt(options.getOrDefault("pollers", "10000")));
            }
            threads.shutdownNow();
        } finally {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private void wake(ExecutorService threads, int idle, int samples) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<Future<?>> idlers = openIdlePolls(threads, idle, 100, stop);
        String alice = register("alice");
        String bob = register("bob");
        String room = createRoom(alice, "@bob:bench.local");
        call("POST", "/_matrix/client/v3/join/" + encode(room), bob, "{}");
        String since = sync(bob, null, 0).getString("next_batch");
        // Let the idle polls connect before measuring.
        Thread.sleep(2_000);

        long[] latencies = new long[samples];
        for (int i = 0; i < samples + 20; i++) {
            String body = "wake " + i;
            String current = since;
            Future<long[]> waiter = threads.submit(() -> awaitMessage(bob, current, room, body));
            // Give the poll time to reach the server and start waiting.
            Thread.sleep(15);
            call("PUT", "/_matrix/client/v3/rooms/" + encode(room) + "/send/m.room.message/t" + txn.incrementAndGet(),
                    alice, Json.createObjectBuilder().add("msgtype", "m.text").add("body", body).build().toString());
            long sent = System.nanoTime();
            long[] seen = waiter.get(60, TimeUnit.SECONDS);
            since = nextBatch(seen);
            if (i >= 20) {
                latencies[i - 20] = Math.max(0, seen[0] - sent);
            }
        }
        stop.set(true);
        idlers.forEach(f -> f.cancel(true));
        Arrays.sort(latencies);
        System.out.printf("wake: %d samples with %d idle long polls: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                samples, idle, ms(percentile(latencies, 50)), ms(percentile(latencies, 99)),
                ms(latencies[latencies.length - 1]));
    }

    private final Map<Long, String> tokens = new ConcurrentHashMap<>();
    private final AtomicLong tokenIds = new AtomicLong();

    /** Long-polls until the room's timeline holds the body; returns the time it was seen and a token handle. */
    private long[] awaitMessage(String token, String since, String room, String body) throws Exception {
        String from = since;
        while (true) {
            JsonObject sync = sync(token, from, POLL.toMillis());
            long now = System.nanoTime();
            from = sync.getString("next_batch");
            if (containsBody(sync, room, body)) {
                long id = tokenIds.incrementAndGet();
                tokens.put(id, from);
                return new long[] {now, id};
            }
        }
    }

    private String nextBatch(long[] seen) {
        return tokens.remove(seen[1]);
    }

    private static boolean containsBody(JsonObject sync, String room, String body) {
        JsonObject join = sync.getJsonObject("rooms") == null ? null
                : sync.getJsonObject("rooms").getJsonObject("join");
        if (join == null || !join.containsKey(room)) {
            return false;
        }
        for (JsonValue event : join.getJsonObject(room).getJsonObject("timeline").getJsonArray("events")) {
            JsonObject content = event.asJsonObject().getJsonObject("content");
            if (content != null && body.equals(content.getString("body", null))) {
                return true;
            }
        }
        return false;
    }

    private void initial(ExecutorService threads, int rooms, int events) throws Exception {
        String carol = register("carol");
        long start = System.nanoTime();
        Semaphore inFlight = new Semaphore(16);
        List<Future<?>> work = new ArrayList<>();
        for (int r = 0; r < rooms; r++) {
            inFlight.acquire();
            work.add(threads.submit(() -> {
                try {
                    String room = createRoom(carol, null);
                    // createRoom writes the create event, the creator's join, power levels, join rules and
                    // history visibility; the messages bring the room to the wanted count.
                    for (int e = 5; e < events; e++) {
                        call("PUT", "/_matrix/client/v3/rooms/" + encode(room) + "/send/m.room.message/i"
                                + txn.incrementAndGet(), carol, "{\"msgtype\":\"m.text\",\"body\":\"filler\"}");
                    }
                    return null;
                } finally {
                    inFlight.release();
                }
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        System.out.printf("initial: filled %d rooms x %d events in %.1f s%n", rooms, events,
                (System.nanoTime() - start) / 1e9);
        long[] times = new long[7];
        int size = 0;
        for (int i = 0; i < times.length; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> response = send("GET", "/_matrix/client/v3/sync", carol, null);
            times[i] = System.nanoTime() - t0;
            size = response.body().length();
            JsonObject join = parse(response.body()).getJsonObject("rooms").getJsonObject("join");
            if (join.size() < rooms) {
                throw new IllegalStateException("initial sync shows " + join.size() + " rooms of " + rooms);
            }
        }
        long[] measured = Arrays.copyOfRange(times, 2, times.length);
        Arrays.sort(measured);
        System.out.printf("initial: /sync of %d rooms x %d events (%d KB): median %.0f ms, min %.0f ms, max %.0f ms"
                        + " (first two runs not counted: %.0f, %.0f ms)%n", rooms, events, size / 1024,
                ms(measured[measured.length / 2]), ms(measured[0]), ms(measured[measured.length - 1]),
                ms(times[0]), ms(times[1]));
    }

    private void memory(ExecutorService threads, long pid, int pollers) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        System.gc();
        long before = Machine.residentMb(pid);
        List<Future<?>> polls = openIdlePolls(threads, pollers, 100, stop);
        Thread.sleep(Math.max(5_000, pollers));
        long during = Machine.residentMb(pid);
        Thread.sleep(5_000);
        long later = Machine.residentMb(pid);
        stop.set(true);
        polls.forEach(f -> f.cancel(true));
        System.out.printf("memory: resident %d MB before, %d MB with %d idle long polls open, %d MB 5 s later%n",
                before, during, pollers, later);
    }

    /**
     * Opens idle long polls: {@code count} connections shared over users that are in no room, each re-polling
     * when its poll times out.
     */
    private List<Future<?>> openIdlePolls(ExecutorService threads, int count, int perUser, AtomicBoolean stop)
            throws Exception {
        List<String> users = new ArrayList<>();
        for (int i = 0; i < Math.max(1, (count + perUser - 1) / perUser); i++) {
            users.add(register("idle" + i + "x" + count));
        }
        List<Future<?>> polls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String token = users.get(i % users.size());
            polls.add(threads.submit(() -> {
                String since = sync(token, null, 0).getString("next_batch");
                while (!stop.get()) {
                    since = sync(token, since, POLL.toMillis()).getString("next_batch");
                }
                return null;
            }));
            if (i % 500 == 499) {
                Thread.sleep(200);
            }
        }
        return polls;
    }

    private JsonObject sync(String token, String since, long timeoutMs) throws Exception {
        String filter = URLEncoder.encode("{\"room\":{\"timeline\":{\"limit\":5}}}", StandardCharsets.UTF_8);
        String path = "/_matrix/client/v3/sync?timeout=" + timeoutMs + "&filter=" + filter
                + (since == null ? "" : "&since=" + encode(since));
        return call("GET", path, token, null);
    }

    private String register(String name) throws Exception {
        String user = name + "_" + ProcessHandle.current().pid() + "_" + txn.incrementAndGet();
        String request = "{\"username\":\"" + user + "\",\"password\":\"" + PASSWORD + "\"";
        HttpResponse<String> first = send("POST", "/_matrix/client/v3/register", null, request + "}");
        String session = parse(first.body()).getString("session");
        JsonObject done = call("POST", "/_matrix/client/v3/register", null, request
                + ",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + session + "\"}}");
        return done.getString("access_token");
    }

    private String createRoom(String token, String invite) throws Exception {
        String body = invite == null ? "{\"preset\":\"private_chat\"}"
                : "{\"preset\":\"private_chat\",\"invite\":[\"" + invite + "\"]}";
        return call("POST", "/_matrix/client/v3/createRoom", token, body).getString("room_id");
    }

    private JsonObject call(String method, String path, String token, String body) throws Exception {
        HttpResponse<String> response = send(method, path, token, body);
        if (response.statusCode() != 200) {
            throw new IllegalStateException(method + " " + path + ": " + response.statusCode() + " "
                    + response.body());
        }
        return parse(response.body());
    }

    private HttpResponse<String> send(String method, String path, String token, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(120))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private void awaitUp(Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue());
            }
            try {
                if (send("GET", "/_matrix/client/versions", null, null).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("the server did not answer within 60 s");
    }

    private static JsonObject parse(String body) {
        try (var reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static long percentile(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }
}
