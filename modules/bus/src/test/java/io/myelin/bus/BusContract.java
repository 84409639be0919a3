package io.myelin.bus;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

import io.myelin.api.bus.Message;
import io.myelin.api.storage.Database;
import io.myelin.bus.dispatch.ManagedBus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The bus semantics of DESIGN.md §5, run on every provider by the subclasses.
 */
abstract class BusContract {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String ROOM = "!room:example.org";

    private final List<ManagedBus> opened = new ArrayList<>();

    /** The backend under test, made once per test class. */
    abstract BusHarness harness();

    @AfterEach
    void closeBuses() {
        Collections.reverse(opened);
        opened.forEach(ManagedBus::close);
        opened.clear();
    }

    @Test
    void messagesOfOneSubjectArriveInPublishOrder() throws Exception {
        ManagedBus bus = open(harness().settings());
        List<String> subjects = List.of("!a:example.org", "!b:example.org", "@odd user.name*>:example.org", "");
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        CountDownLatch all = new CountDownLatch(subjects.size() * 25);
        bus.subscribe("Order", "reader", m -> {
            seen.computeIfAbsent(m.subject(), s -> new CopyOnWriteArrayList<>()).add(value(m));
            m.ack();
            all.countDown();
        });

        for (int i = 0; i < 25; i++) {
            for (String subject : subjects) {
                bus.publish("Order", subject, bytes(i));
            }
        }

        assertTrue(all.await(WAIT.toSeconds(), TimeUnit.SECONDS), "all messages delivered");
        List<Integer> expected = IntStream.range(0, 25).boxed().toList();
        for (String subject : subjects) {
            assertEquals(expected, seen.get(subject), "order of subject '" + subject + "'");
        }
    }

    @Test
    void aSlowSubjectDoesNotHoldUpOtherSubjects() throws Exception {
        ManagedBus bus = open(harness().settings());
        CountDownLatch otherHandled = new CountDownLatch(1);
        AtomicReference<Boolean> slowSawOther = new AtomicReference<>();
        bus.subscribe("Parallel", "reader", Duration.ofSeconds(30), m -> {
            if (m.subject().equals("!slow:example.org")) {
                // Finishes only once a later message of another subject was handled meanwhile.
                slowSawOther.set(otherHandled.await(WAIT.toSeconds(), TimeUnit.SECONDS));
            } else {
                otherHandled.countDown();
            }
            m.ack();
        });

        bus.publish("Parallel", "!slow:example.org", bytes(0));
        bus.publish("Parallel", "!fast:example.org", bytes(1));

        await(() -> slowSawOther.get() != null);
        assertTrue(slowSawOther.get(), "the other subject was handled while the slow one was in progress");
    }

    @Test
    void negativelyAcknowledgedMessageIsDeliveredAgainBeforeLaterOnes() throws Exception {
        ManagedBus bus = open(harness().settings());
        List<String> log = new CopyOnWriteArrayList<>();
        bus.subscribe("Nak", "reader", m -> {
            log.add(value(m) + "#" + m.deliveries());
            if (value(m) == 0 && m.deliveries() == 1) {
                m.nak();
            } else {
                m.ack();
            }
        });

        for (int i = 0; i < 3; i++) {
            bus.publish("Nak", ROOM, bytes(i));
        }

        await(() -> log.size() >= 4);
        assertEquals(List.of("0#1", "0#2", "1#1", "2#1"), log);
    }

    @Test
    void handlerFailureCountsAsNegativeAcknowledgement() throws Exception {
        ManagedBus bus = open(harness().settings());
        List<String> log = new CopyOnWriteArrayList<>();
        bus.subscribe("Failure", "reader", m -> {
            log.add(value(m) + "#" + m.deliveries());
            if (m.deliveries() == 1) {
                throw new IllegalStateException("first attempt fails on purpose");
            }
            m.ack();
        });

        bus.publish("Failure", ROOM, bytes(7));

        await(() -> log.size() >= 2);
        assertEquals(List.of("7#1", "7#2"), log);
    }

    @Test
    void unacknowledgedMessageIsDeliveredAgainAfterTheAckTimeout() throws Exception {
        ManagedBus bus = open(harness().settings());
        Duration timeout = Duration.ofMillis(400);
        List<String> log = new CopyOnWriteArrayList<>();
        List<Long> times = new CopyOnWriteArrayList<>();
        bus.subscribe("Timeout", "reader", timeout, m -> {
            log.add(value(m) + "#" + m.deliveries());
            times.add(System.nanoTime());
            if (m.deliveries() > 1 || value(m) != 0) {
                m.ack();
            }
        });

        bus.publish("Timeout", ROOM, bytes(0));
        bus.publish("Timeout", ROOM, bytes(1));

        await(() -> log.size() >= 3);
        assertEquals(List.of("0#1", "0#2", "1#1"), log);
        long gap = times.get(1) - times.get(0);
        assertTrue(gap >= timeout.toNanos() * 9 / 10, "redelivered only after the timeout, gap " + gap + " ns");
    }

    @Test
    void durableConsumerResumesWhereItStoppedAfterARestart() throws Exception {
        ManagedBus first = open(harness().settings());
        Set<Integer> acked = ConcurrentHashMap.newKeySet();
        CountDownLatch holding = new CountDownLatch(1);
        first.subscribe("Resume", "reader", m -> {
            if (value(m) < 5) {
                // Recorded before the ack: the ack lets the next message in, whose handler may run first.
                acked.add(value(m));
                m.ack();
            } else {
                holding.countDown();
            }
        });
        for (int i = 0; i < 10; i++) {
            first.publish("Resume", ROOM, bytes(i));
        }
        assertTrue(holding.await(WAIT.toSeconds(), TimeUnit.SECONDS), "message 5 delivered");
        assertEquals(Set.of(0, 1, 2, 3, 4), acked);
        close(first);

        ManagedBus second = open(harness().settings());
        List<Integer> seen = new CopyOnWriteArrayList<>();
        second.subscribe("Resume", "reader", m -> {
            seen.add(value(m));
            m.ack();
        });
        second.publish("Resume", ROOM, bytes(10));

        await(() -> seen.contains(10));
        assertEquals(List.of(5, 6, 7, 8, 9, 10), seen, "only what was not acknowledged, in order");
    }

    @Test
    void unacknowledgedMessagesSurviveAProcessKill() throws Exception {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "--module-path", System.getProperty("jdk.module.path"),
                "--patch-module", "io.myelin.bus=" + System.getProperty("myelin.test.classes"),
                "--add-modules", "ALL-MODULE-PATH",
                // Surefire leaves jars no module requires, such as the JDBC drivers, on the class path.
                "-cp", System.getProperty("java.class.path"),
                "--enable-native-access=ALL-UNNAMED,org.xerial.sqlitejdbc",
                "--sun-misc-unsafe-memory-access=allow",
                "-Djava.util.logging.config.file=" + System.getProperty("java.util.logging.config.file", ""),
                "-m", "io.myelin.bus/" + ChildBus.class.getName(),
                "Kill", "reader", "12", "6"));
        command.addAll(harness().args());
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            Set<String> reported = ConcurrentHashMap.newKeySet();
            AtomicReference<Exception> failure = new AtomicReference<>();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        reported.add(line);
                    }
                } catch (java.io.IOException e) {
                    failure.set(e);
                }
            });
            await(() -> reported.contains("PUBLISHED") && reported.contains("HELD 6")
                    && IntStream.range(0, 6).allMatch(i -> reported.contains("ACKED " + i))
                    || !child.isAlive());
            assertTrue(child.isAlive(), "child still running; it reported " + reported);
            child.destroyForcibly();
            assertTrue(child.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "child killed");
            reader.join(WAIT);
            assertNull(failure.get());
        } finally {
            child.destroyForcibly();
        }

        ManagedBus bus = open(harness().settings());
        List<Integer> seen = new CopyOnWriteArrayList<>();
        bus.subscribe("Kill", "reader", m -> {
            seen.add(value(m));
            m.ack();
        });
        bus.publish("Kill", ROOM, bytes(12));
        await(() -> seen.contains(12));
        assertEquals(List.of(6, 7, 8, 9, 10, 11, 12), seen,
                "every unacknowledged message, nothing acknowledged, in order");
    }

    @Test
    void publishInsideAWriteIsPartOfThatTransaction() throws Exception {
        ManagedBus bus = open(harness().settings());
        Database database = database(bus);
        List<Integer> seen = new CopyOnWriteArrayList<>();
        bus.subscribe("Outbox", "reader", m -> {
            seen.add(value(m));
            m.ack();
        });

        assertThrows(IllegalStateException.class, () -> database.write(tx -> {
            bus.publish("Outbox", ROOM, bytes(1));
            throw new IllegalStateException("roll back on purpose");
        }));
        database.write(tx -> bus.publish("Outbox", ROOM, bytes(2)));
        bus.publish("Outbox", ROOM, bytes(3));

        await(() -> seen.contains(3));
        assertEquals(List.of(2, 3), seen, "the rolled-back message never existed");
    }

    @Test
    void acknowledgementInsideAWriteCountsOnlyWhenItCommits() throws Exception {
        ManagedBus bus = open(harness().settings());
        Database database = database(bus);
        List<String> log = new CopyOnWriteArrayList<>();
        bus.subscribe("TxAck", "reader", Duration.ofMillis(300), m -> {
            log.add(value(m) + "#" + m.deliveries());
            if (value(m) == 0 && m.deliveries() == 1) {
                assertThrows(IllegalStateException.class, () -> database.write(tx -> {
                    m.ack();
                    throw new IllegalStateException("roll back on purpose");
                }));
            } else {
                database.write(tx -> {
                    m.ack();
                    return null;
                });
            }
        });

        bus.publish("TxAck", ROOM, bytes(0));
        bus.publish("TxAck", ROOM, bytes(1));

        await(() -> log.contains("1#1"));
        assertEquals(List.of("0#1", "0#2", "1#1"), log);
        close(bus);

        ManagedBus reopened = open(harness().settings());
        List<Integer> after = new CopyOnWriteArrayList<>();
        reopened.subscribe("TxAck", "reader", m -> {
            after.add(value(m));
            m.ack();
        });
        reopened.publish("TxAck", ROOM, bytes(2));
        await(() -> after.contains(2));
        assertEquals(List.of(2), after, "both acknowledgements were stored with their transactions");
    }

    @Test
    void publishersAreSlowedNotFailedWhenAConsumerFallsBehind() throws Exception {
        int limit = 10;
        int total = 40;
        ManagedBus bus = open(harness().settings().withLimits(limit, 5));
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger handled = new AtomicInteger();
        AtomicInteger published = new AtomicInteger();
        AtomicInteger mostAhead = new AtomicInteger();
        AtomicReference<Exception> failure = new AtomicReference<>();
        bus.subscribe("Pressure", "slow", Duration.ofSeconds(30), m -> {
            gate.await();
            handled.incrementAndGet();
            m.ack();
        });

        Thread publisher = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < total; i++) {
                    bus.publish("Pressure", ROOM, bytes(i));
                    int ahead = published.incrementAndGet() - handled.get();
                    mostAhead.accumulateAndGet(ahead, Math::max);
                }
            } catch (RuntimeException e) {
                failure.set(e);
            }
        });

        await(() -> bus.publisherWaits() > 0);
        assertTrue(published.get() <= limit, "at most " + limit + " pending, published " + published.get());
        assertEquals(0, handled.get());
        gate.countDown();
        publisher.join(WAIT);
        assertNull(failure.get(), "no publish failed");
        assertEquals(total, published.get());
        await(() -> handled.get() == total);
        assertTrue(mostAhead.get() <= limit, "publisher at most " + limit + " ahead, was " + mostAhead.get());
    }

    /** The database under a bus the harness opened, where its transactions are. */
    static Database database(ManagedBus bus) {
        return ((EmbeddedHarness.WithStorage) bus).database();
    }

    ManagedBus open(BusSettings settings) {
        ManagedBus bus = harness().open(settings);
        opened.add(bus);
        return bus;
    }

    void close(ManagedBus bus) {
        opened.remove(bus);
        bus.close();
    }

    static byte[] bytes(int value) {
        return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
    }

    static int value(Message message) {
        return Integer.parseInt(new String(message.payload(), StandardCharsets.UTF_8));
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("condition not met within " + WAIT);
            }
            Thread.sleep(10);
        }
    }
}
