package io.myelin.api.bus;

/**
 * Handles messages of a durable consumer. An exception thrown by {@link #handle} counts as a
 * negative acknowledgement.
 */
@FunctionalInterface
public interface MessageHandler {

    /**
     * Handles one message; must {@link Message#ack()} it once its effects are durable.
     *
     * @param message the message
     * @throws Exception when handling failed; the message is delivered again
     */
    void handle(Message message) throws Exception;
}
