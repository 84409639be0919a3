package io.myelin.roomserver.input;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.helidon.dbclient.DbExecute;
import io.myelin.api.bus.Bus;
import io.myelin.api.bus.Streams;
import io.myelin.api.roomserver.OutputRoomEvent;
import io.myelin.protocol.auth.AuthRules;
import io.myelin.protocol.auth.AuthState;
import io.myelin.protocol.auth.EventTypes;
import io.myelin.protocol.auth.PowerLevels;
import io.myelin.protocol.auth.StateKey;
import io.myelin.protocol.event.EventView;
import io.myelin.protocol.event.Pdu;
import io.myelin.roomserver.storage.EventStore;
import io.myelin.roomserver.storage.RoomTables;
import io.myelin.roomserver.storage.StoredEvent;

/**
 * What an accepted event does beyond being stored, inside its transaction: the membership table follows the
 * current state, redactions apply to their targets, and the {@code OutputRoomEvent} records are published (in the
 * transaction, so that they exist only if the event commits, on either bus).
 *
 * <p>An invite received over federation for a room this server is not in never enters a current state here: it is
 * announced when it is stored ({@link InputPipeline#outOfBand}).
 */
final class Effects {

    private final EventStore events;
    private final RoomTables tables;
    private final Bus bus;
    private final InputPipeline pipeline;

    Effects(EventStore events, RoomTables tables, Bus bus, InputPipeline pipeline) {
        this.events = events;
        this.tables = tables;
        this.bus = bus;
        this.pipeline = pipeline;
    }

    void publishNew(DbExecute tx, RoomContext room, Pdu pdu, String eventJson, Map<StateKey, String> old,
                    Map<StateKey, String> current, boolean changed, long nid, String txnId) {
        List<String> adds = new ArrayList<>();
        List<String> removes = new ArrayList<>();
        List<OutputRoomEvent> invites = new ArrayList<>();
        if (changed) {
            for (var entry : current.entrySet()) {
                String was = old.get(entry.getKey());
                if (!entry.getValue().equals(was)) {
                    adds.add(entry.getValue());
                    if (was != null) {
                        removes.add(was);
                    }
                    if (entry.getKey().type().equals(EventTypes.MEMBER)) {
                        invites.addAll(membership(tx, room, entry.getKey().stateKey(), was, entry.getValue(),
                                pdu, nid));
                    }
                }
            }
            for (var entry : old.entrySet()) {
                if (!current.containsKey(entry.getKey())) {
                    removes.add(entry.getValue());
                }
            }
        }
        publish(room, new OutputRoomEvent(OutputRoomEvent.NEW_ROOM_EVENT, room.roomId(), room.version().id(),
                pdu.json(), adds, removes, null, null, txnId), eventJson);
        invites.forEach(o -> publish(room, o));
    }

    private List<OutputRoomEvent> membership(DbExecute tx, RoomContext room, String userId,
                                             String oldId, String newId, Pdu pdu, long nid) {
        Pdu now = newId.equals(pdu.eventId()) ? pdu : events.event(newId).pdu();
        long nowNid = newId.equals(pdu.eventId()) ? nid : events.event(newId).nid();
        String membership = now.content().getString("membership", EventTypes.LEAVE);
        tables.setMembership(tx, room.nid(), userId, membership, now.sender(), nowNid);
        String was = oldId == null ? null
                : events.event(oldId).pdu().content().getString("membership", EventTypes.LEAVE);
        List<OutputRoomEvent> out = new ArrayList<>();
        if (EventTypes.INVITE.equals(membership)) {
            out.add(new OutputRoomEvent(OutputRoomEvent.NEW_INVITE, room.roomId(), room.version().id(), now.json(),
                    List.of(), List.of(), null, userId, null));
        } else if (EventTypes.INVITE.equals(was)) {
            out.add(new OutputRoomEvent(OutputRoomEvent.RETIRE_INVITE, room.roomId(), room.version().id(), now.json(),
                    List.of(), List.of(), null, userId, null));
        }
        return out;
    }

    void redactions(DbExecute tx, RoomContext room, Pdu pdu, Map<StateKey, String> state,
                            List<Runnable> afterCommit, boolean local) {
        if (EventTypes.REDACTION.equals(pdu.type()) && pdu.redacts() != null) {
            StoredEvent target = events.event(pdu.redacts());
            boolean valid = target != null && redactionAllowed(room, pdu, target, state);
            tables.addRedaction(tx, pdu.eventId(), pdu.redacts(), valid);
            if (valid) {
                redact(tx, room, pdu, target, afterCommit);
            }
        }
        // A redaction that arrived before this event now applies to it (none can name an event built just now).
        if (local) {
            return;
        }
        for (String redactionId : tables.pendingRedactionsOf(tx, pdu.eventId())) {
            StoredEvent redaction = events.event(redactionId);
            StoredEvent self = new StoredEvent(0, room.nid(), pdu, false, false, false, 0, null);
            if (redaction != null && redactionAllowed(room, redaction.pdu(), self, state)) {
                tables.validateRedaction(tx, redactionId);
                redact(tx, room, redaction.pdu(), self, afterCommit);
            }
        }
    }

    private void redact(DbExecute tx, RoomContext room, Pdu redaction, StoredEvent target,
                        List<Runnable> afterCommit) {
        events.setRedactedBy(tx, target.eventId(), redaction.eventId());
        afterCommit.add(() -> events.forget(target.eventId()));
        publish(room, new OutputRoomEvent(OutputRoomEvent.REDACTED_EVENT, room.roomId(), room.version().id(),
                redaction.json(), List.of(), List.of(), target.eventId(), null, null));
    }

    /**
     * Whether a redaction may apply: the redacting user is of the same server as the redacted event's sender, or
     * holds the redact power level (from version 3 on, the authorization rules leave this to the server).
     */
    private boolean redactionAllowed(RoomContext room, Pdu redaction, StoredEvent target,
                                     Map<StateKey, String> state) {
        if (!Objects.equals(target.pdu().roomId(), redaction.roomId())) {
            return false;
        }
        if (domain(redaction.sender()).equals(domain(target.pdu().sender()))) {
            return true;
        }
        AuthState auth = pipeline.authState(state);
        EventView create = auth.event(EventTypes.CREATE, "");
        if (create == null && room.version().v12Rules()) {
            StoredEvent c = events.event(AuthRules.createEventIdOf(room.roomId()));
            create = c == null ? null : c.pdu();
        }
        PowerLevels levels = PowerLevels.of(room.version(), create, auth.event(EventTypes.POWER_LEVELS, ""));
        return levels.user(redaction.sender()) >= levels.redact();
    }

    private static String domain(String userId) {
        int colon = userId.indexOf(':');
        return colon < 0 ? "" : userId.substring(colon + 1);
    }

    void publish(RoomContext room, OutputRoomEvent output) {
        publish(room, output, output.event().toString());
    }

    /** Publishes an output whose event was written out already, as {@code eventJson}. */
    void publish(RoomContext room, OutputRoomEvent output, String eventJson) {
        bus.publish(Streams.OUTPUT_ROOM_EVENT, room.roomId(), OutputJson.encode(output, eventJson));
    }
}
