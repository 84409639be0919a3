package io.myelin.protocol.state;

import java.util.List;

import io.myelin.protocol.auth.AuthResult;
import io.myelin.protocol.event.EventView;

/**
 * Observes state resolution, for operator tools that explain a result. Every method does nothing by
 * default.
 */
public interface ResolutionListener {

    /** A listener that ignores everything. */
    ResolutionListener NONE = new ResolutionListener() {
    };

    /**
     * A step ordered events.
     *
     * @param step the step, for example {@code "reverse topological power ordering"}
     * @param eventIds the events in the order the step chose
     */
    default void ordered(String step, List<String> eventIds) {
    }

    /**
     * An event was checked against the partially resolved state.
     *
     * @param step the step
     * @param event the event
     * @param result the decision
     */
    default void checked(String step, EventView event, AuthResult result) {
    }

    /**
     * Something else worth telling, such as the sizes of the conflicted sets.
     *
     * @param message the message
     */
    default void note(String message) {
    }
}
