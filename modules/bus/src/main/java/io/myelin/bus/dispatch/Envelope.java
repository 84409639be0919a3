package io.myelin.bus.dispatch;

/**
 * A stored message as a provider hands it to a {@link SubjectDispatcher}: what the handler sees, and how to
 * settle it with the store or broker.
 */
public interface Envelope {

    /**
     * The subject.
     *
     * @return the subject as published
     */
    String subject();

    /**
     * The stream sequence number.
     *
     * @return the sequence
     */
    long sequence();

    /**
     * Deliveries the provider counted before this one reached the dispatcher, 1 for a first delivery.
     *
     * @return the provider's delivery count
     */
    int deliveries();

    /**
     * The body.
     *
     * @return the payload
     */
    byte[] payload();

    /**
     * Records the acknowledgement durably; returns once it is stored.
     *
     * @throws io.myelin.api.bus.BusException when it could not be stored
     */
    void acknowledge();

    /**
     * Gives the message back unhandled when the subscription closes, so that the next subscription of the
     * durable receives it first.
     */
    void release();
}
