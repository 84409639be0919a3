package io.myelin.bus;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.myelin.bus.dispatch.ManagedBus;

/**
 * Opens one kind of bus for the shared tests, in this JVM or, from {@link #args()}, in a child JVM.
 */
interface BusHarness extends AutoCloseable {

    /** Settings tuned for tests: short timeouts, small limits. */
    static BusSettings testSettings(String prefix, List<String> natsUrls) {
        return new BusSettings(prefix, natsUrls, Optional.empty(), 10_000, 100, Duration.ofMillis(600),
                Duration.ofMillis(50), Duration.ofSeconds(3));
    }

    /**
     * Opens a bus on this harness's backend; each call a new bus over the same durable state.
     *
     * @param settings the settings
     * @return the bus
     */
    ManagedBus open(BusSettings settings);

    /** The settings tests start from. */
    BusSettings settings();

    /** Arguments that let {@link ChildBus} open the same backend in another process. */
    List<String> args();

    /** Removes what the run created on the backend. */
    @Override
    void close();

    /**
     * Recreates a harness in a child process from {@link #args()}.
     *
     * @param args the arguments
     * @return the harness
     */
    static BusHarness fromArgs(List<String> args) {
        return switch (args.getFirst()) {
            case "nats" -> new NatsHarness(args.get(1), args.get(2), false,
                    EmbeddedHarness.reopen(args.subList(3, args.size())));
            case "sqlite", "postgres" -> EmbeddedHarness.reopen(args);
            default -> throw new IllegalArgumentException("unknown backend " + args.getFirst());
        };
    }
}
