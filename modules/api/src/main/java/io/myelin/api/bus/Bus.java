package io.myelin.api.bus;

import java.time.Duration;

/**
 * Named, durable message streams between components (DESIGN.md §5).
 *
 * <p>Semantics on every provider: at least once, ordered per subject, durable named consumers, explicit
 * acknowledgement, redelivery after a negative acknowledgement or an acknowledgement timeout, and
 * back-pressure on publishers when a stream's consumers fall behind. Consumers must be idempotent.
 */
public interface Bus {

    /**
     * Publishes a message and returns once it is stored durably. Blocks while the stream holds more
     * unacknowledged messages than its limit allows, so that a slow consumer slows its publishers.
     *
     * @param stream  the stream, one of {@link Streams}
     * @param subject the subject inside the stream (for example a room id); order is kept per subject
     * @param payload the message body
     * @return the message's sequence number in the stream
     */
    long publish(String stream, String subject, byte[] payload);

    /**
     * Starts a durable consumer, or resumes it where it stopped. Messages of one subject are handed to
     * {@code handler} one at a time, in order; messages of different subjects may be handled in parallel.
     *
     * @param stream     the stream
     * @param durable    the consumer's durable name, unique per stream
     * @param ackTimeout how long a delivered message may stay unacknowledged before it is redelivered
     * @param handler    the handler; it must call {@link Message#ack()} or {@link Message#nak()}
     * @return the subscription, to close on stop
     */
    Subscription subscribe(String stream, String durable, Duration ackTimeout, MessageHandler handler);
}
