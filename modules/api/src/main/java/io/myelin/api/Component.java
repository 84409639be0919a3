package io.myelin.api;

import java.util.Set;

import io.helidon.config.Config;

/**
 * A part of the server, found at start-up with {@link java.util.ServiceLoader}.
 *
 * <p>Components never refer to each other. Each declares the {@code api} service interfaces it
 * {@link #provides() provides} and {@link #needs() needs}; the server starts them in an order that
 * satisfies every need, hands each a {@link ComponentContext}, collects their HTTP routes, and stops
 * them in reverse order.
 */
public interface Component {

    /**
     * Short lowercase name used in logs and metrics, for example {@code roomserver}.
     *
     * @return the component's name
     */
    String name();

    /**
     * Key of this component's section in the configuration file; by default its {@link #name()}.
     *
     * @return the configuration key
     */
    default String configKey() {
        return name();
    }

    /**
     * Service interfaces this component registers with {@link ComponentContext#provide} during start.
     *
     * @return the provided interfaces
     */
    default Set<Class<?>> provides() {
        return Set.of();
    }

    /**
     * Service interfaces this component obtains with {@link ComponentContext#require} during start.
     *
     * @return the needed interfaces
     */
    default Set<Class<?>> needs() {
        return Set.of();
    }

    /**
     * Checks this component's configuration section before anything starts. Every problem is added to
     * {@code problems}, so that an operator sees all of them at once.
     *
     * @param section  the component's section (may be empty)
     * @param problems where problems are reported
     */
    default void verify(Config section, ConfigProblems problems) {
    }

    /**
     * Starts the component: open what it owns, run its migrations, provide its services.
     *
     * @param context the start context
     * @throws Exception when the component cannot start; start-up then stops
     */
    void start(ComponentContext context) throws Exception;

    /**
     * Adds this component's HTTP routes. Called once, after every component has started.
     *
     * @param routes the client and federation listeners' routes
     */
    default void routes(Routes routes) {
    }

    /**
     * Stops the component, finishing in-flight work. Called in reverse start order.
     */
    default void stop() {
    }
}
