package io.myelin.bus.nats;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeoutException;

import io.myelin.api.bus.BusException;
import io.myelin.api.bus.MessageHandler;
import io.myelin.api.bus.Subscription;
import io.myelin.bus.dispatch.Envelope;
import io.myelin.bus.dispatch.SubjectDispatcher;
import io.nats.client.ConsumeOptions;
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.Message;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;

/**
 * A durable JetStream pull consumer feeding a {@link SubjectDispatcher}.
 *
 * <p>One reader thread pulls the consumer's messages in stream order and hands them to the dispatcher,
 * which keeps per-subject order and runs subjects in parallel. The broker's {@code max_ack_pending}
 * ({@code bus.max_in_flight}) bounds how many messages this process holds at once. Redelivery after a
 * negative acknowledgement or a handler timeout happens inside the dispatcher, so that a retried message
 * keeps its place before later messages of its subject; while the process holds a message it tells the
 * broker it is still working on it, so that the broker's own redelivery ({@code ack_wait}, the
 * acknowledgement timeout) only comes into play when this process dies or loses its connection.
 *
 * <p>An acknowledgement made inside a database write is sent once the write committed (never, if it rolls
 * back: the dispatcher then delivers the message again after its timeout).
 *
 * <p>A clean stop gives held messages back at once, in stream order, so the next subscription gets them
 * first. After a crash the broker only redelivers what the dead process held once its {@code ack_wait}
 * passes, while newer messages would flow at once; so a subscription that finds messages still pending
 * on its consumer first collects those redeliveries (holding back newer messages, at most twice the
 * acknowledgement timeout) and hands them out in stream order before anything newer.
 */
final class NatsSubscription implements Subscription {

    private static final System.Logger LOG = System.getLogger(NatsSubscription.class.getName());
    private static final Duration ACK_CONFIRM = Duration.ofSeconds(5);
    private static final Duration POLL = Duration.ofMillis(250);
    /** Lifetime of one pull request; a closing subscription waits at most this long for pulls in flight. */
    private static final Duration PULL_EXPIRY = Duration.ofSeconds(1);

    private final NatsBus bus;
    private final String streamName;
    private final String subjectPrefix;
    private final String durable;
    private final Duration ackTimeout;
    private final SubjectDispatcher dispatcher;
    private final Map<Long, Held> held = new ConcurrentHashMap<>();
    /** Messages to give back when closing, by stream sequence. */
    private final Map<Long, Message> giveBack = new ConcurrentSkipListMap<>();
    private final IterableConsumer consumer;
    private final Thread reader;
    private final Thread keeper;
    private volatile boolean running = true;
    /** Recovery after a crash, touched only by the reader thread; see the class comment. */
    private Recovery recovery;

    NatsSubscription(NatsBus bus, Connection connection, String stream, String streamName, String subjectPrefix,
                     String durable, Duration ackTimeout, MessageHandler handler) {
        this.bus = bus;
        this.streamName = streamName;
        this.subjectPrefix = subjectPrefix;
        this.durable = durable;
        this.ackTimeout = ackTimeout;
        int maxInFlight = bus.settings().maxInFlight();
        this.dispatcher = new SubjectDispatcher(stream, durable, handler, ackTimeout, bus.settings().nakDelay(),
                maxInFlight);
        ConsumerConfiguration config = ConsumerConfiguration.builder()
                .durable(durable)
                .ackPolicy(AckPolicy.Explicit)
                .deliverPolicy(DeliverPolicy.All)
                .ackWait(ackTimeout)
                .maxAckPending(maxInFlight)
                .maxDeliver(-1)
                .build();
        try {
            ConsumerContext context = connection.getStreamContext(streamName).createOrUpdateConsumer(config);
            ConsumerInfo info = context.getCachedConsumerInfo();
            if (info != null && info.getNumAckPending() > 0) {
                recovery = new Recovery(info.getDelivered().getStreamSequence(), info.getNumAckPending(),
                        System.nanoTime() + ackTimeout.multipliedBy(2).plusSeconds(1).toNanos());
                LOG.log(System.Logger.Level.INFO, "bus: {0}/{1} has {2} message(s) a previous process left"
                        + " unacknowledged; they are delivered first", streamName, durable, info.getNumAckPending());
            }
            this.consumer = context.iterate(ConsumeOptions.builder()
                    .batchSize(Math.min(maxInFlight, 256))
                    .expiresIn(PULL_EXPIRY.toMillis())
                    .build());
        } catch (IOException | JetStreamApiException e) {
            throw new BusException("cannot create consumer " + durable + " on " + streamName + ": "
                    + e.getMessage(), e);
        }
        this.reader = Thread.ofVirtual().name("bus-nats-reader-" + stream + "-" + durable).unstarted(this::read);
        this.keeper = Thread.ofVirtual().name("bus-nats-keeper-" + stream + "-" + durable).unstarted(this::keep);
    }

    void start() {
        reader.start();
        keeper.start();
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        consumer.stop();
        reader.interrupt();
        join(reader);
        dispatcher.close(bus.settings().drainTimeout());

        // Give back what the dispatcher returned and what the pull in flight still brings, but only once
        // that pull has ended: a message given back earlier would come straight back to it.
        long deadline = System.nanoTime() + PULL_EXPIRY.multipliedBy(2).toNanos();
        try {
            while (System.nanoTime() < deadline) {
                Message m = consumer.nextMessage(Duration.ofMillis(50));
                if (m != null) {
                    giveBack.putIfAbsent(m.metaData().streamSequence(), m);
                } else if (consumer.isFinished()) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (JetStreamStatusCheckedException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "bus: the last pull of " + durable + " ended with an error", e);
        }
        // In stream order, so that the next subscription receives them in the order they were published.
        for (Message m : giveBack.values()) {
            try {
                m.nak();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "bus: could not give back a message; it returns after ack_wait", e);
            }
        }
        held.clear();
        keeper.interrupt();
        join(keeper);
        try {
            consumer.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "bus: closing consumer " + durable + " failed", e);
        }
        bus.forget(this);
    }

    private void read() {
        while (running) {
            Message m;
            try {
                m = consumer.nextMessage(POLL);
            } catch (InterruptedException e) {
                return;
            } catch (JetStreamStatusCheckedException | RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.log(System.Logger.Level.WARNING, "bus: pulling " + streamName + "/" + durable
                        + " failed; retrying", e);
                // The connection is probably down; the client reconnects by itself meanwhile.
                try {
                    Thread.sleep(POLL);
                } catch (InterruptedException ie) {
                    return;
                }
                continue;
            }
            if (m == null || !m.isJetStream()) {
                recover(null);
                continue;
            }
            long sequence = m.metaData().streamSequence();
            Held previous = held.get(sequence);
            if (previous != null) {
                // The broker redelivered a message this process still holds (a keep-alive came late):
                // answer through the newest delivery and let the dispatcher carry on with it.
                previous.message = m;
                previous.touched = System.nanoTime();
                continue;
            }
            Held h = new Held(m, SubjectTokens.decode(m.getSubject().substring(subjectPrefix.length())));
            held.put(sequence, h);
            if (recovery != null) {
                recover(h);
            } else {
                submit(h);
            }
        }
    }

    private void submit(Held h) {
        if (!dispatcher.submit(h)) {
            giveBack.put(h.sequence, h.message);
        }
    }

    /**
     * Collects a message while recovering; once every message the previous process held has come back,
     * or the wait is over, hands out the collected ones in stream order and ends the recovery.
     *
     * @param h a message just pulled, or null to check the deadline only
     */
    private void recover(Held h) {
        if (recovery == null) {
            return;
        }
        if (h != null) {
            if (h.sequence <= recovery.lastDelivered()) {
                recovery.redelivered().put(h.sequence, h);
            } else {
                recovery.newer().add(h);
            }
        }
        if (recovery.redelivered().size() >= recovery.pending() || System.nanoTime() > recovery.deadline()) {
            Recovery done = recovery;
            recovery = null;
            done.redelivered().values().forEach(this::submit);
            done.newer().forEach(this::submit);
        }
    }

    /**
     * What a subscription waits for after a crash.
     *
     * @param lastDelivered highest stream sequence the consumer had delivered before this subscription
     * @param pending       how many messages were delivered and not acknowledged
     * @param deadline      when to stop waiting, in {@link System#nanoTime()}
     * @param redelivered   redeliveries collected so far, by stream sequence
     * @param newer         newer messages held back meanwhile, in arrival (stream) order
     */
    private record Recovery(long lastDelivered, long pending, long deadline, Map<Long, Held> redelivered,
                            List<Held> newer) {
        Recovery(long lastDelivered, long pending, long deadline) {
            this(lastDelivered, pending, deadline, new TreeMap<>(), new ArrayList<>());
        }
    }

    /**
     * Tells the broker that held messages are still being worked on, a third of the way into each
     * {@code ack_wait}, so that it does not redeliver them while this process holds them.
     */
    private void keep() {
        long period = Math.max(ackTimeout.toNanos() / 3, Duration.ofMillis(20).toNanos());
        while (running) {
            try {
                Thread.sleep(Duration.ofNanos(period));
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Held h : held.values()) {
                if (now - h.touched >= period) {
                    try {
                        h.message.inProgress();
                        h.touched = now;
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.DEBUG, "bus: keep-alive failed", e);
                    }
                }
            }
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A pulled message this process holds until it is acknowledged or given back.
     */
    private final class Held implements Envelope {
        private final String subject;
        private final long sequence;
        private volatile Message message;
        private volatile long touched = System.nanoTime();

        Held(Message message, String subject) {
            this.message = message;
            this.subject = subject;
            this.sequence = message.metaData().streamSequence();
        }

        @Override
        public String subject() {
            return subject;
        }

        @Override
        public long sequence() {
            return sequence;
        }

        @Override
        public int deliveries() {
            return (int) message.metaData().deliveredCount();
        }

        @Override
        public byte[] payload() {
            return message.getData();
        }

        @Override
        public void acknowledge(Runnable whenDurable) {
            if (!bus.insideWrite()) {
                acknowledgeNow();
                whenDurable.run();
                return;
            }
            // The handler acknowledges inside its own database write: the broker learns of it once the write
            // committed, so that a rollback, or a crash before the commit, leaves the message to be delivered
            // again instead of losing it.
            bus.database().afterCommit(() -> {
                try {
                    acknowledgeNow();
                } catch (BusException e) {
                    LOG.log(System.Logger.Level.WARNING, "bus: an acknowledgement on " + streamName + "/" + durable
                            + " failed after its commit; the message is delivered again", e);
                    return;
                }
                whenDurable.run();
            });
        }

        private void acknowledgeNow() {
            try {
                message.ackSync(ACK_CONFIRM);
            } catch (TimeoutException e) {
                throw new BusException("NATS did not confirm an acknowledgement on " + streamName, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BusException("interrupted while acknowledging on " + streamName, e);
            }
            held.remove(sequence);
        }

        @Override
        public void release() {
            // Still kept alive by the keeper until close() gives it back.
            giveBack.put(sequence, message);
        }
    }
}
