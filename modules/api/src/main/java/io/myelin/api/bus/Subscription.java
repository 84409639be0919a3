package io.myelin.api.bus;

/**
 * A running durable consumer.
 */
public interface Subscription extends AutoCloseable {

    /**
     * Stops delivering, waiting (up to {@code bus.drain_timeout}) for handlers in progress to finish.
     * Unacknowledged messages stay in the stream for the next subscription of the same durable name.
     */
    @Override
    void close();
}
