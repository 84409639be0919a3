package io.myelin.bus.dispatch;

import io.myelin.api.bus.Bus;

/**
 * A bus provider as the component holds it: a {@link Bus} that can be closed and observed.
 */
public interface ManagedBus extends Bus, AutoCloseable {

    /**
     * What this provider is, for the start-up log line; never contains credentials.
     *
     * @return a short description
     */
    String description();

    /**
     * How many times a publisher has had to wait because a stream was full, since the bus opened.
     *
     * @return the count
     */
    long publisherWaits();

    /**
     * Closes every subscription (draining handlers in progress), wakes blocked publishers with an
     * exception, and releases connections.
     */
    @Override
    void close();
}
