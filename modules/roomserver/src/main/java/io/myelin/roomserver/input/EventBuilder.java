package io.myelin.roomserver.input;

import java.time.Clock;
import java.util.List;

import io.myelin.api.ServerIdentity;
import io.myelin.api.http.MatrixException;
import io.myelin.api.roomserver.InputKind;
import io.myelin.api.roomserver.InputOutcome;
import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.auth.AuthEventsSelector;
import io.myelin.protocol.auth.AuthResult;
import io.myelin.protocol.auth.StateKey;
import io.myelin.protocol.event.Pdu;
import io.myelin.roomserver.storage.RoomTables;
import io.myelin.roomserver.storage.StoredEvent;
import io.myelin.protocol.json.JsonSupport;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * Builds local events inside the room's worker, where the room's extremities and state cannot move underneath:
 * {@code prev_events} are the forward extremities, {@code auth_events} come from the current state, the depth is
 * one more than the deepest previous event; then the event is hashed, signed and sent down the input path.
 */
public final class EventBuilder {

    /** The most previous events a local event names; more only make events bigger. */
    private static final int MAX_PREV_EVENTS = 10;

    private final Rooms rooms;
    private final InputPipeline pipeline;
    private final RoomTables tables;
    private final ServerIdentity identity;
    private final Clock clock;

    /**
     * @param rooms    the room contexts
     * @param pipeline the input path
     * @param tables   the room tables, for transaction ids
     * @param identity this server
     * @param clock    the clock
     */
    public EventBuilder(Rooms rooms, InputPipeline pipeline, RoomTables tables, ServerIdentity identity, Clock clock) {
        this.rooms = rooms;
        this.pipeline = pipeline;
        this.tables = tables;
        this.identity = identity;
        this.clock = clock;
    }

    /**
     * Builds and inputs one local event.
     *
     * @param roomId the room
     * @param build  {@code sender}, {@code type}, optional {@code state_key}, {@code content}, optional
     *               {@code redacts} and {@code txn_id}
     * @param inTransaction run inside the event's transaction
     * @return the outcome; never rejected, since a refused event throws instead
     * @throws MatrixException {@code M_NOT_FOUND} for an unknown room, {@code M_FORBIDDEN} when the rules refuse
     */
    InputOutcome build(String roomId, JsonObject build, Runnable inTransaction) {
        RoomContext room = rooms.get(roomId);
        if (room == null || room.workingHead().snapshotNid() == 0) {
            throw MatrixException.notFound("Unknown room " + roomId);
        }
        String sender = build.getString("sender");
        String txnId = build.getString("txn_id", null);
        if (txnId != null) {
            String sent = tables.transaction(roomId, sender, txnId);
            if (sent != null) {
                return new InputOutcome(sent, InputOutcome.ACCEPTED, null);
            }
        }
        RoomVersion version = room.version();
        if (version.eventFormat() == RoomVersion.EventFormat.V1) {
            throw MatrixException.invalidParam("Sending to rooms of version " + version.id() + " is not supported");
        }
        String type = build.getString("type");
        String stateKey = build.getString("state_key", null);
        JsonObject content = build.getJsonObject("content");
        RoomContext.Head head = room.workingHead();

        List<String> prev = head.extremities();
        if (prev.size() > MAX_PREV_EVENTS) {
            prev = prev.subList(prev.size() - MAX_PREV_EVENTS, prev.size());
        }
        List<String> auth = AuthEventsSelector.authEventIds(version, type, stateKey, sender, content, head.state());
        JsonObjectBuilder event = JsonSupport.provider().createObjectBuilder()
                .add("room_id", roomId)
                .add("sender", sender)
                .add("type", type)
                .add("content", content)
                .add("prev_events", JsonSupport.provider().createArrayBuilder(prev))
                .add("auth_events", JsonSupport.provider().createArrayBuilder(auth))
                .add("depth", Math.min(head.maxDepth() + 1, Long.MAX_VALUE))
                .add("origin_server_ts", clock.millis());
        if (stateKey != null) {
            event.add("state_key", stateKey);
        }
        if (build.containsKey("redacts") && !version.v11Rules()) {
            event.add("redacts", build.getString("redacts"));
        }
        Pdu pdu = Pdu.signNew(version, event.build(), identity.serverName(), identity.signingKey());

        // Refuse what the rules refuse before it is stored, so that the client hears why.
        String createId = head.state().get(StateKey.CREATE);
        StoredEvent create = createId == null ? null : pipelineEvent(createId);
        AuthResult allowed = room.rules().check(pdu, pipeline.authState(head.state())
                .withCreate(create == null ? null : create.pdu()));
        if (!allowed.allowed()) {
            throw MatrixException.forbidden(reasonOf(allowed));
        }
        InputOutcome outcome = pipeline.input(roomId, InputKind.NEW, null, pdu.json(), null,
                new InputPipeline.Extras(true, sender, txnId, inTransaction, pdu));
        if (!InputOutcome.ACCEPTED.equals(outcome.status())) {
            throw MatrixException.forbidden("The event was not accepted: " + outcome.reason());
        }
        return outcome;
    }

    private StoredEvent pipelineEvent(String id) {
        return pipeline.event(id);
    }

    private static String reasonOf(AuthResult result) {
        return result instanceof AuthResult.Rejected r ? r.reason() : result.toString();
    }

    /**
     * The create event of a new room, built outside any worker since its room does not exist yet.
     *
     * @param version  the room version
     * @param creator  the creator
     * @param extra    extra content ({@code creation_content}), or null
     * @param identity this server
     * @param clock    the clock
     * @return the signed event; its room id is the new room's
     */
    public static Pdu createEvent(RoomVersion version, String creator, JsonObject extra, ServerIdentity identity,
                                  Clock clock) {
        JsonObjectBuilder content = JsonSupport.provider().createObjectBuilder();
        if (extra != null) {
            extra.forEach(content::add);
        }
        content.add("room_version", version.id());
        if (!version.v11Rules()) {
            content.add("creator", creator);
        }
        JsonObjectBuilder event = JsonSupport.provider().createObjectBuilder()
                .add("sender", creator)
                .add("type", "m.room.create")
                .add("state_key", "")
                .add("content", content)
                .add("prev_events", JsonSupport.provider().createArrayBuilder())
                .add("auth_events", JsonSupport.provider().createArrayBuilder())
                .add("depth", 1)
                .add("origin_server_ts", clock.millis());
        if (!version.v12Rules()) {
            event.add("room_id", io.myelin.protocol.event.EventIds.newServerScopedRoomId(identity.serverName()));
        }
        return Pdu.signNew(version, event.build(), identity.serverName(), identity.signingKey());
    }
}
