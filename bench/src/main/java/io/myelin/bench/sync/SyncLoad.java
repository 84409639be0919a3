package io.myelin.bench.sync;

import java.io.IOException;
import java.io.StringReader;
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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.myelin.bench.Machine;

import jakarta.json.Json;
import jakarta.json.JsonObject;

/**
 * Load driver for {@code /sync} over HTTP against a running server: the wake-up latency of a long poll while
 * many other long polls sit idle, the time of an initial sync of an account in many rooms, and the server's
 * resident memory with the idle polls open.
 *
 * <p>Wake-up: one user long-polls, another sends a message to their shared room, and the figure is the time
 * from the send's answer (and from its start) to the poll's answer, repeated {@code --samples} times, while
 * {@code --idle} long polls of other users wait. Initial sync: one user creates {@code --rooms} rooms with
 * {@code --events} messages each, then full initial syncs are timed.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.myelin.bench.sync.SyncLoad --url
 * http://127.0.0.1:18008 [--pid SERVER_PID] [--idle 1000] [--samples 200] [--rooms 500] [--events 50]
 * [--senders 8] [--user carol_NAME]}, where {@code --senders} clients create and fill the rooms side by side,
 * {@code --samples 0} skips the wake-up part and {@code --user} times the initial syncs of an account a
 * previous run filled (on a server restarted on its data directory, after {@code --warmup} untimed ones, 10 by
 * default) instead of filling a new one. The server needs open registration without rate limits
 * ({@code bench/scripts/sync-load.yaml}); with {@code --pid} the driver also reads the server's CPU time and
 * resident memory from {@code /proc}.
 */
public final class SyncLoad {

    private static final String V3 = "/_matrix/client/v3";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    private final String url;
    private final String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    private final AtomicInteger txn = new AtomicInteger();

    private SyncLoad(String url) {
        this.url = url;
    }

    public static void main(String[] args) throws Exception {
        String url = option(args, "--url", "http://127.0.0.1:18008");
        long pid = Long.parseLong(option(args, "--pid", "0"));
        int idle = Integer.parseInt(option(args, "--idle", "1000"));
        int samples = Integer.parseInt(option(args, "--samples", "200"));
        int rooms = Integer.parseInt(option(args, "--rooms", "500"));
        int events = Integer.parseInt(option(args, "--events", "50"));
        int senders = Integer.parseInt(option(args, "--senders", "8"));
        String user = option(args, "--user", null);
        SyncLoad load = new SyncLoad(url);
        out(Machine.describe());
        if (samples > 0) {
            load.wakeUp(pid, idle, samples);
        }
        if (user != null) {
            // A server restarted on a filled data directory: time the account's initial syncs again.
            String token = load.login(user);
            // A fresh JVM compiles the sync path during its first requests; those are not timed.
            int warmup = Integer.parseInt(option(args, "--warmup", "10"));
            for (int i = 0; i < warmup; i++) {
                load.raw("/sync", token);
            }
            load.timeInitialSyncs(pid, token, rooms, events);
        } else if (rooms > 0) {
            load.initialSync(pid, rooms, events, senders);
        }
        System.exit(0);
    }

    private void wakeUp(long pid, int idle, int samples) throws Exception {
        String alice = register("alice");
        String bob = register("bob");
        String roomId = post("/createRoom", alice, "{\"preset\":\"public_chat\"}").getString("room_id");
        post("/join/" + enc(roomId), bob, "{}");

        int idleUsers = Math.max(1, Math.min(idle, 100));
        List<String> idleTokens = new ArrayList<>();
        for (int i = 0; i < idleUsers; i++) {
            idleTokens.add(register("idle" + i));
        }
        List<CompletableFuture<?>> polls = new ArrayList<>();
        for (int i = 0; i < idle; i++) {
            String token = idleTokens.get(i % idleUsers);
            String since = get("/sync?timeout=0", token).getString("next_batch");
            polls.add(send("/sync?timeout=600000&since=" + since, token));
        }
        Thread.sleep(2000);
        long open = polls.stream().filter(p -> !p.isDone()).count();
        out(String.format(Locale.ROOT, "idle long polls open: %d of %d; server resident memory: %s", open, idle,
                (pid > 0 ? Machine.residentMb(pid) + " MB" : "unknown (no --pid)")));

        String since = get("/sync?timeout=0", bob).getString("next_batch");
        String seenUpTo = since;
        double[] fromReturn = new double[samples];
        double[] fromStart = new double[samples];
        long cpuBefore = cpuMillis(pid);
        AtomicInteger early = new AtomicInteger();
        for (int i = 0; i < samples; i++) {
            long[] returned = new long[1];
            String sinceNow = seenUpTo;
            String body = "s" + i;
            // A poll may return at once with the previous message's notification count (counted by another
            // consumer, after the poll that brought that message); the client then polls again, and the message
            // counts when it arrives.
            CompletableFuture<JsonObject> poll = CompletableFuture.supplyAsync(() -> {
                String from = sinceNow;
                while (true) {
                    JsonObject reply = getUnchecked("/sync?timeout=30000&since=" + from, bob);
                    if (reply.toString().contains("\"" + body + "\"")) {
                        returned[0] = System.nanoTime();
                        return reply;
                    }
                    early.incrementAndGet();
                    from = reply.getString("next_batch");
                }
            }, Executors.newVirtualThreadPerTaskExecutor());
            // Give the poll time to reach the server and start waiting.
            Thread.sleep(20);
            long start = System.nanoTime();
            put("/rooms/" + enc(roomId) + "/send/m.room.message/" + run + "-" + txn.incrementAndGet(), alice,
                    "{\"msgtype\":\"m.text\",\"body\":\"" + body + "\"}");
            long answered = System.nanoTime();
            JsonObject reply = poll.get(30, TimeUnit.SECONDS);
            seenUpTo = reply.getString("next_batch");
            fromReturn[i] = Math.max(0, returned[0] - answered) / 1e6;
            fromStart[i] = (returned[0] - start) / 1e6;
        }
        out("polls that returned before the message did (then polled again): " + early.get());
        long cpu = cpuMillis(pid) - cpuBefore;
        Arrays.sort(fromReturn);
        Arrays.sort(fromStart);
        out(String.format(Locale.ROOT, "wake-up with %d idle polls, %d samples: from the send's answer p50 %.2f ms"
                        + " p99 %.2f ms max %.2f ms; from the send's start p50 %.2f ms p99 %.2f ms", idle, samples,
                pct(fromReturn, 50), pct(fromReturn, 99), fromReturn[samples - 1], pct(fromStart, 50),
                pct(fromStart, 99)));
        if (cpu >= 0) {
            out(String.format(Locale.ROOT, "server CPU per send+wake: %.2f ms", (double) cpu / samples));
        }
        out("server resident memory after the samples: "
                + (pid > 0 ? Machine.residentMb(pid) + " MB" : "unknown (no --pid)"));
        polls.forEach(p -> p.cancel(true));
    }

    private void initialSync(long pid, int rooms, int events, int senders) throws Exception {
        String carol = register("carol");
        out("initial-sync account: carol_" + run + " (--user carol_" + run + " times it again after a restart)");
        long setup = System.nanoTime();
        AtomicInteger done = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(senders)) {
            List<Future<?>> work = new ArrayList<>();
            for (int r = 0; r < rooms; r++) {
                // Rooms of version 12 are named after their create event: the content keeps concurrent creates
                // in the same millisecond apart.
                String create = "{\"creation_content\":{\"bench.room\":" + r + "}}";
                work.add(pool.submit(() -> {
                    String roomId = post("/createRoom", carol, create).getString("room_id");
                    for (int e = 0; e < events; e++) {
                        put("/rooms/" + enc(roomId) + "/send/m.room.message/" + run + "-" + txn.incrementAndGet(),
                                carol, "{\"msgtype\":\"m.text\",\"body\":\"e" + e + "\"}");
                    }
                    done.incrementAndGet();
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        }
        double took = (System.nanoTime() - setup) / 1e9;
        out(String.format(Locale.ROOT, "set up %d rooms x %d messages in %.1f s (%.0f sends/s, %d senders)", rooms,
                events, took, rooms * events / took, senders));
        // Sync consumes the rooms' events after the sends were answered; wait until it lists every room.
        long caughtUp = System.nanoTime();
        while (true) {
            JsonObject join = get("/sync?filter=" + enc("{\"room\":{\"timeline\":{\"limit\":1}}}"), carol)
                    .getJsonObject("rooms").getJsonObject("join");
            int complete = 0;
            for (String roomId : join.keySet()) {
                String last = join.getJsonObject(roomId).getJsonObject("timeline").getJsonArray("events")
                        .getJsonObject(0).getJsonObject("content").getString("body", "");
                complete += last.equals("e" + (events - 1)) ? 1 : 0;
            }
            if (complete == rooms) {
                break;
            }
            if (System.nanoTime() - caughtUp > TimeUnit.MINUTES.toNanos(5)) {
                throw new IllegalStateException("sync holds " + complete + " of " + rooms + " complete rooms");
            }
            Thread.sleep(500);
        }
        out(String.format(Locale.ROOT, "sync caught up %.1f s after the last send was answered",
                (System.nanoTime() - caughtUp) / 1e9));
        timeInitialSyncs(pid, carol, rooms, events);
    }

    /** Times five initial syncs of an account in {@code rooms} rooms, with the server's CPU time per sync. */
    private void timeInitialSyncs(long pid, String carol, int rooms, int events) throws Exception {
        double[] times = new double[5];
        int size = 0;
        long cpuBefore = cpuMillis(pid);
        for (int i = 0; i < times.length; i++) {
            long start = System.nanoTime();
            HttpResponse<String> response = raw("/sync", carol);
            times[i] = (System.nanoTime() - start) / 1e6;
            size = response.body().length();
            int joined = parse(response.body()).getJsonObject("rooms").getJsonObject("join").size();
            if (joined != rooms) {
                throw new IllegalStateException("initial sync listed " + joined + " rooms, not " + rooms);
            }
        }
        long cpu = cpuMillis(pid) - cpuBefore;
        Arrays.sort(times);
        out(String.format(Locale.ROOT, "initial sync of %d rooms x %d events: median %.0f ms, min %.0f ms, max %.0f"
                + " ms, %d kB", rooms, events, times[2], times[0], times[4], size / 1024));
        if (cpu >= 0) {
            out(String.format(Locale.ROOT, "server CPU per initial sync: %.0f ms", (double) cpu / times.length));
        }
    }

    private String login(String user) throws IOException, InterruptedException {
        return post("/login", null, "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\","
                + "\"user\":\"" + user + "\"},\"password\":\"pw-" + user + "\"}").getString("access_token");
    }

    private String register(String name) throws IOException, InterruptedException {
        String user = name + "_" + run;
        HttpResponse<String> challenge = call("POST", "/register", null,
                "{\"username\":\"" + user + "\",\"password\":\"pw-" + user + "\"}");
        String session = parse(challenge.body()).getString("session");
        JsonObject done = check(call("POST", "/register", null, "{\"username\":\"" + user + "\",\"password\":\"pw-"
                + user + "\",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + session + "\"}}"));
        return done.getString("access_token");
    }

    private JsonObject get(String path, String token) throws IOException, InterruptedException {
        return check(call("GET", path, token, null));
    }

    private JsonObject getUnchecked(String path, String token) {
        try {
            return get(path, token);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> raw(String path, String token) throws IOException, InterruptedException {
        HttpResponse<String> response = call("GET", path, token, null);
        check(response);
        return response;
    }

    private JsonObject post(String path, String token, String body) throws IOException, InterruptedException {
        return check(call("POST", path, token, body));
    }

    private JsonObject put(String path, String token, String body) throws IOException, InterruptedException {
        return check(call("PUT", path, token, body));
    }

    private CompletableFuture<HttpResponse<String>> send(String path, String token) {
        return http.sendAsync(request("GET", path, token, null), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> call(String method, String path, String token, String body)
            throws IOException, InterruptedException {
        return http.send(request(method, path, token, body), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String method, String path, String token, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + V3 + path))
                .timeout(Duration.ofMinutes(11))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request.build();
    }

    private static JsonObject check(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException(response.request().uri().getPath() + " answered "
                    + response.statusCode() + ": " + response.body());
        }
        return parse(response.body());
    }

    private static JsonObject parse(String body) {
        try (var reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static double pct(double[] sorted, int percent) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * percent / 100.0) - 1)];
    }

    /** The process's user and system CPU time in milliseconds, or -1 without a pid. */
    private static long cpuMillis(long pid) throws IOException {
        if (pid <= 0) {
            return -1;
        }
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks * 10;
    }

    private static String option(String[] args, String name, String otherwise) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return otherwise;
    }

    private static void out(String line) {
        System.out.println(line);
    }
}
