package io.myelin.api.bus;

import java.time.Duration;

/**
 * Named, durable message streams between components (DESIGN.md §5).
 *
 * <p>Semantics on every provider: at least once, ordered per subject, durable named consumers, explicit
 * acknowledgement, redelivery after a negative acknowledgement or an acknowledgement timeout, and
 * back-pressure on publishers when a stream's consumers fall behind. Consumers must be idempotent.
 *
 * <p>A stream keeps a message until every durable consumer of the stream has acknowledged it; a durable
 * consumer exists from its first {@link #subscribe} on, whether or not a subscription is open, and sees
 * the messages published after it came to exist (and any older ones the stream still keeps for other
 * consumers). Components therefore subscribe during their start, before traffic arrives.
 *
 * <p>Stream and durable names are made of ASCII letters, digits, {@code -} and {@code _}; subjects may
 * be any text, such as a room id.
 */
public interface Bus {

    /**
     * Publishes a message and returns once it is stored durably. Blocks while the stream holds as many
     * messages not yet acknowledged by all its consumers as its limit allows, so that a slow consumer
     * slows its publishers instead of failing them.
     *
     * <p>A publish made inside a {@link io.myelin.api.storage.Database#write} joins that transaction, on
     * every provider: the message exists only if the write commits, and consumers see it after the commit.
     * The embedded bus writes it into its log in the transaction; NATS stores it in an outbox table in the
     * transaction and sends it to the broker after the commit, before the write returns, and at the next
     * start should the process die in between (JetStream drops a copy sent twice within its duplicate
     * window). Such a publish never waits for room inside the write, which may hold the database's only
     * writer: it waits after the commit instead, so a stream may exceed its limit by the messages of the
     * writes in progress.
     *
     * @param stream  the stream, one of {@link Streams}
     * @param subject the subject inside the stream (for example a room id); order is kept per subject
     * @param payload the message body
     * @return the message's sequence number in the stream; for a publish NATS sends after the commit, its
     *         number in the outbox, as the stream's is not known yet
     * @throws BusException when the message could not be stored, or the bus closed while waiting
     */
    long publish(String stream, String subject, byte[] payload);

    /**
     * Starts a durable consumer, or resumes it where it stopped. Messages of one subject are handed to
     * {@code handler} one at a time, in order: the next message of a subject is delivered only once the
     * previous one is acknowledged, and a message that is negatively acknowledged or not acknowledged
     * in time is delivered again before any later message of its subject. Messages of different subjects
     * are handled in parallel.
     *
     * @param stream     the stream
     * @param durable    the consumer's durable name, unique per stream
     * @param ackTimeout how long a delivered message may stay unacknowledged before it is redelivered
     * @param handler    the handler; it must call {@link Message#ack()} or {@link Message#nak()}
     * @return the subscription, to close on stop
     * @throws BusException when the consumer could not be created
     */
    Subscription subscribe(String stream, String durable, Duration ackTimeout, MessageHandler handler);

    /**
     * Starts a durable consumer with the configured default acknowledgement timeout
     * ({@code bus.ack_timeout}).
     *
     * @param stream  the stream
     * @param durable the consumer's durable name, unique per stream
     * @param handler the handler; it must call {@link Message#ack()} or {@link Message#nak()}
     * @return the subscription, to close on stop
     * @throws BusException when the consumer could not be created
     */
    Subscription subscribe(String stream, String durable, MessageHandler handler);
}
