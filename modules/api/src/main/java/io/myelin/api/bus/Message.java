package io.myelin.api.bus;

import java.time.Duration;

/**
 * A message delivered to a consumer. It may be acknowledged from any thread, also after the handler
 * returned, as long as that happens within the consumer's acknowledgement timeout.
 */
public interface Message {

    /**
     * The stream it was published to.
     *
     * @return the stream name
     */
    String stream();

    /**
     * The subject it was published with.
     *
     * @return the subject
     */
    String subject();

    /**
     * Its sequence number in the stream.
     *
     * @return the sequence number
     */
    long sequence();

    /**
     * How many times it has been delivered, 1 the first time.
     *
     * @return the delivery count
     */
    int deliveries();

    /**
     * Its body.
     *
     * @return the payload
     */
    byte[] payload();

    /**
     * Marks it handled; returns once that is stored, after which it is never delivered to this consumer
     * again. Acknowledging a delivery that already timed out or was settled has no effect.
     *
     * <p>An acknowledgement made inside a {@link io.myelin.api.storage.Database#write} counts only if that
     * write commits, so that a handler's effects and its acknowledgement stand or fall together; if the
     * write rolls back, the message is delivered again after the acknowledgement timeout. The embedded bus
     * stores it in the transaction; NATS sends it to the broker after the commit (a crash in between
     * delivers the message again, so handlers must be idempotent). Either way {@code ack()} then returns
     * before it is stored.
     *
     * @throws BusException when the acknowledgement could not be stored; the message is then delivered
     *                      again
     */
    void ack();

    /**
     * Asks for it to be delivered again after the configured redelivery delay ({@code bus.nak_delay}).
     */
    void nak();

    /**
     * Asks for it to be delivered again after {@code delay}, for example a backoff a handler chose.
     *
     * @param delay how long to wait before the next delivery
     */
    void nak(Duration delay);
}
