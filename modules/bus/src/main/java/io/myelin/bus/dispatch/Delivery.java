package io.myelin.bus.dispatch;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import io.myelin.api.bus.Message;

/**
 * One delivery of an {@link Envelope} to a handler. Only the first {@link #ack()} or {@link #nak()} counts;
 * a delivery the dispatcher gave up on (timed out) ignores both.
 */
final class Delivery implements Message {

    /**
     * How a delivery ended.
     *
     * @param acked true for an acknowledgement
     * @param delay the redelivery delay after a negative acknowledgement
     */
    record Outcome(boolean acked, Duration delay) {
    }

    private final String stream;
    private final Envelope envelope;
    private final int deliveries;
    private final Duration defaultDelay;
    private final AtomicBoolean settled = new AtomicBoolean();
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();

    Delivery(String stream, Envelope envelope, int deliveries, Duration defaultDelay) {
        this.stream = stream;
        this.envelope = envelope;
        this.deliveries = deliveries;
        this.defaultDelay = defaultDelay;
    }

    @Override
    public String stream() {
        return stream;
    }

    @Override
    public String subject() {
        return envelope.subject();
    }

    @Override
    public long sequence() {
        return envelope.sequence();
    }

    @Override
    public int deliveries() {
        return deliveries;
    }

    @Override
    public byte[] payload() {
        return envelope.payload();
    }

    @Override
    public void ack() {
        if (!settled.compareAndSet(false, true)) {
            return;
        }
        // The store learns of the acknowledgement before the subject moves on, so that a crash right after
        // never loses it; a failed store redelivers instead.
        try {
            envelope.acknowledge(() -> outcome.complete(new Outcome(true, Duration.ZERO)));
        } catch (RuntimeException e) {
            outcome.complete(new Outcome(false, defaultDelay));
            throw e;
        }
    }

    @Override
    public void nak() {
        nak(defaultDelay);
    }

    @Override
    public void nak(Duration delay) {
        if (settled.compareAndSet(false, true)) {
            outcome.complete(new Outcome(false, delay.isNegative() ? Duration.ZERO : delay));
        }
    }

    /**
     * Gives up on this delivery: later settlements are ignored.
     *
     * @return true when it was not settled yet
     */
    boolean abandon() {
        return settled.compareAndSet(false, true);
    }

    CompletableFuture<Outcome> outcome() {
        return outcome;
    }
}
