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
     * Records the acknowledgement durably and runs {@code whenDurable} once it is: before returning, or,
     * when the acknowledgement joined a transaction still open on this thread, after that commits (never,
     * if it rolls back; the message is then delivered again after its timeout).
     *
     * @param whenDurable what to run once the acknowledgement is stored
     * @throws io.myelin.api.bus.BusException when it could not be stored
     */
    void acknowledge(Runnable whenDurable);

    /**
     * Gives the message back unhandled when the subscription closes, so that the next subscription of the
     * durable receives it first.
     */
    void release();
}
