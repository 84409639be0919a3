package io.myelin.protocol.event;

/**
 * What {@link PduValidator} decided about a received event, following the server-server API's "Checks
 * performed on receipt of a PDU".
 *
 * @param outcome what to do with the event
 * @param pdu the event to continue with: the redacted copy after {@link Outcome#REDACT}, the event itself
 *     after {@link Outcome#ACCEPT} or {@link Outcome#REJECT}, null after {@link Outcome#DROP}
 * @param reason why the event was not accepted as received, or null
 */
public record PduCheck(Outcome outcome, Pdu pdu, String reason) {

    /** What the receiving server must do with an event. */
    public enum Outcome {
        /** Valid, signed and hashed correctly: go on to the authorization checks. */
        ACCEPT,
        /**
         * Signed correctly but its content hash does not match: continue with the redacted copy in
         * {@link PduCheck#pdu()}, which then goes on to the authorization checks.
         */
        REDACT,
        /**
         * Well-formed and correctly signed but over a limit (size, field length, too many references): store
         * it as rejected, never relay it nor use it as a previous event. Synapse, the reference behaviour,
         * treats these limits as authorization failures, so other servers reject the same events.
         */
        REJECT,
        /** Not a valid event of its room version, or not correctly signed: forget it entirely. */
        DROP
    }

    static PduCheck accept(Pdu pdu) {
        return new PduCheck(Outcome.ACCEPT, pdu, null);
    }

    static PduCheck drop(String reason) {
        return new PduCheck(Outcome.DROP, null, reason);
    }
}
