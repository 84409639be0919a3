package io.myelin.api.bus;

import java.io.Serial;

/**
 * A bus operation failed: the store or the broker could not be reached, or the bus closed.
 */
public class BusException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed
     * @param cause   the underlying failure, may be null
     */
    public BusException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Creates the exception.
     *
     * @param message what failed
     */
    public BusException(String message) {
        super(message);
    }
}
