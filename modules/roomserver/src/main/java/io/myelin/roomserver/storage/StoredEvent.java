package io.myelin.roomserver.storage;

import io.myelin.protocol.event.Pdu;

/**
 * An event as stored: immutable, so that one instance may be cached and shared.
 *
 * @param nid        the event's numeric id
 * @param roomNid    its room's numeric id
 * @param pdu        the event as received
 * @param outlier    whether it is outside the room's graph
 * @param rejected   whether it failed authorization
 * @param softFailed whether it failed against current state
 * @param stateNid   the snapshot of the state after it, 0 when it has none
 * @param redactedBy the id of a valid redaction of it, or null
 */
public record StoredEvent(long nid, long roomNid, Pdu pdu, boolean outlier, boolean rejected, boolean softFailed,
                          long stateNid, String redactedBy) {

    /** @return the event id */
    public String eventId() {
        return pdu.eventId();
    }

    /**
     * @param redaction the redaction's id
     * @return this event marked redacted
     */
    public StoredEvent redacted(String redaction) {
        return new StoredEvent(nid, roomNid, pdu, outlier, rejected, softFailed, stateNid, redaction);
    }
}
