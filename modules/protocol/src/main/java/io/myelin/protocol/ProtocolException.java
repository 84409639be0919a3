package io.myelin.protocol;

/**
 * Raised when input does not follow the Matrix protocol: malformed or non-canonical JSON, a bad identifier,
 * an invalid event, a bad key or signature. The message says what was wrong and is safe to show to the
 * remote party; it never contains key material.
 *
 * <p>Unchecked because protocol input is checked at every layer and callers turn it into an HTTP error or a
 * rejection in one place.
 */
public class ProtocolException extends RuntimeException {

    /**
     * Creates an exception.
     *
     * @param message what was wrong with the input
     */
    public ProtocolException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param message what was wrong with the input
     * @param cause the lower-level failure
     */
    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
