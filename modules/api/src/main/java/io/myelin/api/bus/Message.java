package io.myelin.api.bus;

/**
 * A message delivered to a consumer.
 */
public interface Message {

    /** @return the stream it was published to */
    String stream();

    /** @return its subject */
    String subject();

    /** @return its sequence number in the stream */
    long sequence();

    /** @return how many times it has been delivered, 1 the first time */
    int deliveries();

    /** @return its body */
    byte[] payload();

    /** Marks it handled; it is never delivered to this consumer again. */
    void ack();

    /** Asks for it to be delivered again (after the provider's redelivery delay). */
    void nak();
}
