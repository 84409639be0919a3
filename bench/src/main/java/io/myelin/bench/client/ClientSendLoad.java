package io.myelin.bench.client;

import java.io.IOException;
import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import io.myelin.bench.Machine;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.server.MyelinServer;
import io.myelin.server.config.Settings;
import io.myelin.testkit.TempDirs;

import jakarta.json.JsonObject;

/**
 * Load driver for the client-server send path over HTTP on loopback: starts a whole Myelin in this process
 * (SQLite and the embedded bus in a temporary data directory), registers users, creates a room per user, then
 * has concurrent clients call {@code PUT /rooms/{roomId}/send/m.room.message/{txnId}} and, with the same
 * concurrency on the same server, {@code GET /_matrix/client/versions} as the ceiling of what the HTTP layer
 * serves. Prints requests per second, latency p50/p99, CPU per request, and the ratio of sends to the ceiling.
 *
 * <p>Each client is one platform thread with one keep-alive connection speaking HTTP/1.1 over a plain socket,
 * so that its CPU time can be read per thread and set against the whole process's: that is how the run shows
 * whether the client side is what limits it.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.myelin.bench.client.ClientSendLoad [--seconds N]
 * [--clients N] [--rooms N] [--warmup N] [--sqlite-synchronous full|normal] [--directory-users N]}. Defaults:
 * 20 s per phase, 50 clients and users, 50 rooms (client i sends into room i mod rooms), 5 s of warm-up of each
 * kind. With {@code --directory-users N}, N more users join the rooms and a last phase measures
 * {@code POST /user_directory/search} with the same concurrency. The server's
 * components are found through this jar's {@code META-INF/services}, since on the class path the module
 * descriptors' {@code provides} do not apply.
 */
public final class ClientSendLoad {

    private static final String SERVER_NAME = "bench.local";
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ClientSendLoad() {
    }

    /**
     * Runs the scenario and prints its figures.
     *
     * @param args options, see the class comment
     * @throws Exception when the server cannot start or a setup request fails
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "20"));
        int clients = Integer.parseInt(options.getOrDefault("clients", "50"));
        int roomCount = Integer.parseInt(options.getOrDefault("rooms", "50"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "5"));
        String synchronous = options.get("sqlite-synchronous");
        int directoryUsers = Integer.parseInt(options.getOrDefault("directory-users", "0"));

        System.out.println("before: " + Machine.describe());
        Path dir = Files.createTempDirectory("myelin-client-load-");
        MyelinServer server = MyelinServer.start(Settings.load(config(dir, synchronous), Map.of()), false);
        try {
            int port = server.clientPort();
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                tokens.add(register(port, "load" + i));
            }
            List<String> rooms = new ArrayList<>();
            for (int i = 0; i < roomCount; i++) {
                rooms.add(createRoom(port, tokens.get(i % clients)));
            }
            for (int i = roomCount; i < clients; i++) {
                join(port, tokens.get(i), rooms.get(i % roomCount));
            }
            System.out.printf(Locale.ROOT, "setup: %d users, %d rooms, %d clients, %d s per phase%n", clients,
                    roomCount, clients, seconds);

            Work versions = (c, n) -> c.exchange("GET", "/_matrix/client/versions", null, null);
            Work sends = (c, n) -> {
                int client = c.index;
                String path = "/_matrix/client/v3/rooms/" + rooms.get(client % roomCount)
                        + "/send/m.room.message/t" + client + "-" + n;
                byte[] body = ("{\"msgtype\":\"m.text\",\"body\":\"message " + n + " from client " + client + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
                return c.exchange("PUT", path, tokens.get(client), body);
            };
            run("warm-up versions", port, clients, warmup, versions, 0);
            run("warm-up sends", port, clients, warmup, sends, 1_000_000);
            Phase ceiling = run("GET /versions", port, clients, seconds, versions, 0);
            Phase send = run("PUT /send", port, clients, seconds, sends, 2_000_000);
            Phase again = run("GET /versions", port, clients, seconds, versions, 0);
            double best = Math.max(ceiling.rate(), again.rate());
            System.out.printf(Locale.ROOT, "ratio: sends/s is %.1f %% of the /versions ceiling (%.0f/s, the better"
                    + " of the two runs; target 30 %%)%n", 100 * send.rate() / best, best);
            if (directoryUsers > 0) {
                directory(port, clients, seconds, directoryUsers, rooms, tokens);
            }
            double versionCpu = Math.min(ceiling.serverCpuNanos(), again.serverCpuNanos());
            System.out.printf(Locale.ROOT, "server CPU per request: send %.0f us, /versions %.1f us, so CPU alone"
                    + " would allow sends at %.2f %% of the /versions rate%n", send.serverCpuNanos() / 1e3,
                    versionCpu / 1e3, 100 * versionCpu / send.serverCpuNanos());
        } finally {
            server.stop();
            TempDirs.delete(dir);
        }
        System.out.println("after: " + Machine.describe());
    }

    /** One request of a client; {@code n} numbers the client's requests. */
    @FunctionalInterface
    private interface Work {
        int call(Connection connection, long n) throws IOException;
    }

    /** What one phase measured. */
    private record Phase(long requests, double seconds, double serverCpuNanos) {
        double rate() {
            return requests / seconds;
        }
    }

    private static Phase run(String name, int port, int clients, int seconds, Work work, long firstN)
            throws Exception {
        long[][] latencies = new long[clients][];
        int[] counts = new int[clients];
        long[] cpu = new long[clients];
        int[] failures = new int[clients];
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        long[] window = new long[2];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            int index = i;
            Thread t = Thread.ofPlatform().name("load-client-" + i).start(() -> {
                long[] mine = new long[1 << 14];
                int count = 0;
                try (Connection c = new Connection(port, index)) {
                    ready.countDown();
                    go.await();
                    long end = window[1];
                    long cpuStart = THREADS.getCurrentThreadCpuTime();
                    long n = firstN;
                    while (System.nanoTime() < end) {
                        long start = System.nanoTime();
                        int status = work.call(c, n++);
                        long took = System.nanoTime() - start;
                        if (status != 200) {
                            failures[index]++;
                        }
                        if (count == mine.length) {
                            mine = Arrays.copyOf(mine, count * 2);
                        }
                        mine[count++] = took;
                    }
                    cpu[index] = THREADS.getCurrentThreadCpuTime() - cpuStart;
                } catch (IOException | InterruptedException e) {
                    failures[index]++;
                    System.err.println(name + ": client " + index + " stopped: " + e);
                }
                latencies[index] = mine;
                counts[index] = count;
            });
            threads.add(t);
        }
        ready.await();
        long processCpu = processCpu();
        window[0] = System.nanoTime();
        window[1] = window[0] + seconds * 1_000_000_000L;
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        double elapsed = (System.nanoTime() - window[0]) / 1e9;
        long totalCpu = processCpu() - processCpu;

        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int at = 0;
        for (int i = 0; i < clients; i++) {
            System.arraycopy(latencies[i], 0, all, at, counts[i]);
            at += counts[i];
        }
        Arrays.sort(all);
        long clientCpu = Arrays.stream(cpu).sum();
        double perRequest = total == 0 ? 0 : 1.0 / total;
        System.out.printf(Locale.ROOT, "%-17s %8d requests in %5.1f s = %8.0f/s  p50 %7.2f ms  p99 %7.2f ms"
                        + "  failures %d  CPU/request: process %6.0f us = server %6.0f us + clients %5.0f us"
                        + " (clients %.0f %%)%n",
                name, total, elapsed, total / elapsed, percentile(all, 0.50) / 1e6, percentile(all, 0.99) / 1e6,
                Arrays.stream(failures).sum(), totalCpu * perRequest / 1e3,
                (totalCpu - clientCpu) * perRequest / 1e3, clientCpu * perRequest / 1e3,
                totalCpu == 0 ? 0 : 100.0 * clientCpu / totalCpu);
        return new Phase(total, elapsed, (totalCpu - clientCpu) * perRequest);
    }

    // Adds users to the rooms, in parallel, waits until the user directory holds them all, then measures searches.
    private static void directory(int port, int clients, int seconds, int users, List<String> rooms,
            List<String> tokens) throws Exception {
        long start = System.nanoTime();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(clients)) {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int i = 0; i < users; i++) {
                int index = i;
                done.add(pool.submit(() -> {
                    join(port, register(port, "dir" + index), rooms.get(index % rooms.size()));
                    return null;
                }));
            }
            for (var f : done) {
                f.get();
            }
        }
        // The index follows each room in order, so it has caught up once every room's last joiner is found.
        long deadline = System.nanoTime() + 120_000_000_000L;
        try (Connection c = new Connection(port, -1)) {
            for (int last = users - 1; last >= Math.max(0, users - rooms.size()); last--) {
                while (c.json("POST", "/_matrix/client/v3/user_directory/search", tokens.getFirst(),
                        "{\"search_term\":\"dir" + last + "\"}", 200).getJsonArray("results").isEmpty()) {
                    if (System.nanoTime() > deadline) {
                        throw new IOException("the user directory did not catch up within 120 s");
                    }
                    Thread.sleep(50);
                }
            }
        }
        System.out.printf(Locale.ROOT, "directory: %d more users registered, joined and indexed in %.1f s%n", users,
                (System.nanoTime() - start) / 1e9);
        Work search = (c, n) -> c.exchange("POST", "/_matrix/client/v3/user_directory/search",
                tokens.get(c.index), ("{\"search_term\":\"dir" + (n * 7 + c.index) % users + "\"}")
                        .getBytes(StandardCharsets.UTF_8));
        run("POST /search", port, clients, seconds, search, 0);
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static String register(int port, String name) throws IOException {
        try (Connection c = new Connection(port, -1)) {
            String body = "{\"username\":\"" + name + "\",\"password\":\"pw-" + name + "\"}";
            JsonObject challenge = c.json("POST", "/_matrix/client/v3/register", null, body, 401);
            JsonObject done = c.json("POST", "/_matrix/client/v3/register", null, "{\"username\":\"" + name
                    + "\",\"password\":\"pw-" + name + "\",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\""
                    + challenge.getString("session") + "\"}}", 200);
            return done.getString("access_token");
        }
    }

    private static String createRoom(int port, String token) throws IOException {
        try (Connection c = new Connection(port, -1)) {
            return c.json("POST", "/_matrix/client/v3/createRoom", token, "{\"preset\":\"public_chat\"}", 200)
                    .getString("room_id");
        }
    }

    private static void join(int port, String token, String roomId) throws IOException {
        try (Connection c = new Connection(port, -1)) {
            c.json("POST", "/_matrix/client/v3/join/" + roomId, token, "{}", 200);
        }
    }

    private static Path config(Path dir, String synchronous) throws IOException {
        String yaml = """
                version: 1
                server:
                  name: %s
                  data_dir: %s
                listeners:
                  client:
                    host: 127.0.0.1
                    port: 0
                  federation:
                    host: 127.0.0.1
                    port: 0
                    plain_http: true
                database:
                  url: "jdbc:sqlite:%s"
                %s
                users:
                  enable_registration: true
                  password_hashing:
                    memory: 64kb
                    iterations: 1
                  rate_limits:
                    enabled: false
                """.formatted(SERVER_NAME, dir.resolve("data"), dir.resolve("data").resolve("myelin.db"),
                synchronous == null ? "" : "  sqlite_synchronous: " + synchronous);
        Path file = dir.resolve("myelin.yaml");
        Files.writeString(file, yaml);
        return file;
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

    /** One keep-alive HTTP/1.1 connection to the server, used by one thread. */
    private static final class Connection implements AutoCloseable {

        private final int index;
        private final java.net.Socket socket;
        private final java.io.OutputStream out;
        private final java.io.InputStream in;
        private byte[] lastBody = new byte[0];

        Connection(int port, int index) throws IOException {
            this.index = index;
            socket = new java.net.Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            out = new java.io.BufferedOutputStream(socket.getOutputStream(), 8192);
            in = new java.io.BufferedInputStream(socket.getInputStream(), 16384);
        }

        JsonObject json(String method, String path, String token, String body, int expected) throws IOException {
            int status = exchange(method, path, token, body.getBytes(StandardCharsets.UTF_8));
            String text = new String(lastBody, StandardCharsets.UTF_8);
            if (status != expected) {
                throw new IOException(method + " " + path + " answered " + status + ": " + text);
            }
            return JsonSupport.provider().createReader(new StringReader(text)).readObject();
        }

        /** Sends one request and reads the whole response; returns its status. */
        int exchange(String method, String path, String token, byte[] body) throws IOException {
            StringBuilder head = new StringBuilder(256).append(method).append(' ').append(path)
                    .append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            if (token != null) {
                head.append("Authorization: Bearer ").append(token).append("\r\n");
            }
            if (body != null) {
                head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
            }
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();

            String statusLine = line();
            int status = Integer.parseInt(statusLine.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            lastBody = chunked ? chunks() : in.readNBytes((int) Math.max(0, length));
            return status;
        }

        private byte[] chunks() throws IOException {
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            while (true) {
                String size = line();
                int semicolon = size.indexOf(';');
                int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
                if (n == 0) {
                    while (!line().isEmpty()) {
                        // trailers
                    }
                    return body.toByteArray();
                }
                body.write(in.readNBytes(n));
                line();
            }
        }

        private String line() throws IOException {
            StringBuilder s = new StringBuilder(64);
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                if (b != '\r') {
                    s.append((char) b);
                }
            }
            return s.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
