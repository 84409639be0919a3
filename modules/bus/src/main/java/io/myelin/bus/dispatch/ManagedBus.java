package io.myelin.bus.dispatch;

import java.util.Collection;
import java.util.List;

import io.myelin.api.bus.Bus;
import io.myelin.api.bus.Subscription;

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

    /**
     * Closes subscriptions side by side, so that stopping takes one drain (or one last pull), not one per
     * consumer, and returns once all are closed.
     *
     * @param subscriptions the subscriptions to close
     */
    static void closeAll(Collection<? extends Subscription> subscriptions) {
        List<Thread> closing = List.copyOf(subscriptions).stream()
                .map(subscription -> Thread.ofVirtual().name("bus-close").start(subscription::close))
                .toList();
        for (Thread thread : closing) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
