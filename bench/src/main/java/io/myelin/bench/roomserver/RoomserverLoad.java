package io.myelin.bench.roomserver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.metrics.api.MeterRegistry;
import io.myelin.api.Component;
import io.myelin.api.ServerIdentity;
import io.myelin.api.StartContext;
import io.myelin.api.roomserver.CreateRoomRequest;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.roomserver.SendEventRequest;
import io.myelin.bench.Machine;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.testkit.ScratchDatabase;
import io.myelin.testkit.TempDirs;

/**
 * Load driver for the roomserver's input path: sends local {@code m.room.message} events in-process over
 * {@link RoomserverApi#sendEvent} into one room and spread over many rooms, and prints events per second and
 * input latency (call to committed answer) p50/p99.
 *
 * <p>Each scenario runs twice: closed loop (a fixed number of senders, each sending its next event when the last
 * is answered) for the throughput, then open loop at half that throughput (events started on a fixed schedule,
 * latency counted from the scheduled start) for the latency under moderate load.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.myelin.bench.roomserver.RoomserverLoad
 * [--seconds N] [--senders N] [--rooms 1,100] [--postgres JDBC_URL] [--sqlite-synchronous full|normal]}.
 * With {@code --postgres} the URL names an administrative connection; the driver creates and drops its own
 * database there. The storage, cache, bus and roomserver components are started by class name (the benchmark
 * jar is on the class path, where the module descriptors' {@code provides} do not apply), on the embedded bus.
 */
public final class RoomserverLoad {

    private static final String SERVER_NAME = "bench.local";
    private static final String SENDER = "@bench:" + SERVER_NAME;
    private static final MeterRegistry METERS = MeterRegistry.create();
    private static final List<String> COMPONENTS = List.of("io.myelin.storage.StorageComponent",
            "io.myelin.cache.CacheComponent", "io.myelin.bus.BusComponent",
            "io.myelin.roomserver.RoomserverComponent");

    /** The storage's {@code sqlite_synchronous}, or null for its default. */
    private static String synchronous;

    private RoomserverLoad() {
    }

    /**
     * Runs the scenarios and prints their figures.
     *
     * @param args options, see the class comment
     * @throws Exception when the components cannot start
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "10"));
        int senders = Integer.parseInt(options.getOrDefault("senders", "64"));
        int[] roomCounts = Arrays.stream(options.getOrDefault("rooms", "1,100").split(","))
                .mapToInt(Integer::parseInt).toArray();
        String postgres = options.get("postgres");
        synchronous = options.get("sqlite-synchronous");

        out("roomserver load driver, " + Instant.now());
        out(Machine.describe());
        out("senders=" + senders + ", seconds per phase=" + seconds + ", rooms=" + Arrays.toString(roomCounts)
                + ", sqlite_synchronous=" + (synchronous == null ? "default (full)" : synchronous));
        run("sqlite", null, roomCounts, seconds, senders);
        if (postgres != null) {
            run("postgresql", postgres, roomCounts, seconds, senders);
        }
    }

    private static void run(String label, String postgresAdmin, int[] roomCounts, int seconds, int senders)
            throws Exception {
        for (int rooms : roomCounts) {
            Path dir = Files.createTempDirectory("myelin-roomserver-load");
            ScratchDatabase database = postgresAdmin == null ? null
                    : ScratchDatabase.create(postgresAdmin, "myelin_load");
            String url = database == null ? "jdbc:sqlite:" + dir.resolve("myelin.db") : database.url();
            try (Server server = Server.start(url, dir)) {
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < rooms; i++) {
                    ids.add(server.api.createRoom(CreateRoomRequest.simple(SENDER)).roomId());
                }
                // Warm-up: the JIT and the rooms' in-memory contexts.
                closedLoop(server.api, ids, senders, Math.max(2, seconds / 3));
                long cpu0 = processCpuNanos();
                Result full = closedLoop(server.api, ids, senders, seconds);
                double cpuPerEvent = (processCpuNanos() - cpu0) / 1e3 / Math.max(1, full.count());
                out(String.format(Locale.ROOT, "%-10s rooms=%-3d closed loop: %8.0f events/s  p50 %6.2f ms"
                        + "  p99 %7.2f ms  (%d events, %.0f us CPU of this process per event)",
                        label, rooms, full.rate(), full.p50(), full.p99(), full.count(), cpuPerEvent));
                double half = full.rate() / 2;
                Result paced = openLoop(server.api, ids, half, seconds);
                out(String.format(Locale.ROOT, "%-10s rooms=%-3d at %5.0f/s:   %8.0f events/s  p50 %6.2f ms"
                        + "  p99 %7.2f ms  (%d events)",
                        label, rooms, half, paced.rate(), paced.p50(), paced.p99(), paced.count()));
            } finally {
                if (database != null) {
                    database.close();
                }
                TempDirs.delete(dir);
            }
        }
    }

    private static Result closedLoop(RoomserverApi api, List<String> rooms, int senders, int seconds)
            throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        Latencies latencies = new Latencies();
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int s = 0; s < senders; s++) {
                pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        long t0 = System.nanoTime();
                        send(api, rooms.get(Math.floorMod(next.getAndIncrement(), rooms.size())));
                        latencies.add(System.nanoTime() - t0);
                    }
                });
            }
        }
        return latencies.result(System.nanoTime() - start);
    }

    private static Result openLoop(RoomserverApi api, List<String> rooms, double rate, int seconds) {
        long interval = (long) (1_000_000_000L / rate);
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        Latencies latencies = new Latencies();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            long scheduled = start;
            int i = 0;
            while (scheduled < end) {
                long wait = scheduled - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                long at = scheduled;
                String room = rooms.get(i++ % rooms.size());
                pool.submit(() -> {
                    send(api, room);
                    // From the scheduled start, so that a late sender does not hide queueing.
                    latencies.add(System.nanoTime() - at);
                });
                scheduled += interval;
            }
        }
        return latencies.result(System.nanoTime() - start);
    }

    private static void send(RoomserverApi api, String room) {
        api.sendEvent(new SendEventRequest(room, SENDER, "m.room.message", null,
                JsonSupport.objectBuilder().add("msgtype", "m.text").add("body", "load").build(), null));
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected an option, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }

    private static void out(String line) {
        // A command-line tool's report, for a person or a script.
        System.out.println(line);
    }

    /** Collected latencies in nanoseconds. */
    private static final class Latencies {
        private final AtomicLong count = new AtomicLong();
        private long[] values = new long[1 << 16];

        synchronized void add(long nanos) {
            int n = (int) count.getAndIncrement();
            if (n == values.length) {
                values = Arrays.copyOf(values, n * 2);
            }
            values[n] = nanos;
        }

        synchronized Result result(long elapsedNanos) {
            int n = (int) count.get();
            long[] sorted = Arrays.copyOf(values, n);
            Arrays.sort(sorted);
            return new Result(n, n * 1e9 / elapsedNanos, percentile(sorted, 0.50), percentile(sorted, 0.99));
        }

        private static double percentile(long[] sorted, double p) {
            return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, p * sorted.length)] / 1e6;
        }
    }

    /** One phase's figures; latencies in milliseconds. */
    private record Result(long count, double rate, double p50, double p99) {
    }

    /** The four components started as the server would start them, with a shared service registry. */
    private static final class Server implements AutoCloseable {
        private final List<Component> started = new ArrayList<>();
        private RoomserverApi api;

        static Server start(String url, Path dir) throws Exception {
            Server server = new Server();
            Map<Class<?>, Object> services = StartContext.newRegistry();
            ServerIdentity identity = new ServerIdentity(SERVER_NAME, dir);
            Config config = Config.just(ConfigSources.create(synchronous == null || !url.startsWith("jdbc:sqlite:")
                    ? Map.of("database.url", url)
                    : Map.of("database.url", url, "database.sqlite_synchronous", synchronous)));
            try {
                for (String name : COMPONENTS) {
                    Component c = (Component) Class.forName(name).getConstructor().newInstance();
                    c.start(new StartContext(c, config, identity, METERS, Clock.systemUTC(), services));
                    server.started.add(c);
                }
            } catch (Exception | Error e) {
                server.close();
                throw e;
            }
            server.api = (RoomserverApi) services.get(RoomserverApi.class);
            return server;
        }

        @Override
        public void close() {
            for (int i = started.size() - 1; i >= 0; i--) {
                started.get(i).stop();
            }
        }
    }
}
