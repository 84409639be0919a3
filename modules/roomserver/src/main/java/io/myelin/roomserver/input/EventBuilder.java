package io.myelin.roomserver.input;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import io.myelin.api.ServerIdentity;
import io.myelin.api.http.MatrixException;
import io.myelin.api.roomserver.InputKind;
import io.myelin.api.roomserver.InputOutcome;
import io.myelin.api.roomserver.Membership;
import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.auth.AuthEventsSelector;
import io.myelin.protocol.auth.AuthResult;
import io.myelin.protocol.auth.StateKey;
import io.myelin.protocol.event.EventHashes;
import io.myelin.protocol.event.EventIds;
import io.myelin.protocol.event.HashedEvent;
import io.myelin.protocol.event.Pdu;
import io.myelin.protocol.event.PduValidator;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.protocol.json.UnpaddedBase64;
import io.myelin.roomserver.storage.RoomTables;
import io.myelin.roomserver.storage.StoredEvent;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * Builds local events inside the room's worker, where the room's extremities and state cannot move underneath:
 * {@code prev_events} are the forward extremities, {@code auth_events} come from the current state, the depth is
 * one more than the deepest previous event; then the event is hashed, signed and sent down the input path. In room
 * versions 1 and 2 the event also carries the id this server chose for it, and cites each event it names with that
 * event's reference hash.
 */
public final class EventBuilder {

    /**
     * The field of a build that lists the memberships its target must have in the room's current state, for
     * membership changes the rules would allow from other memberships too (an unban of a member).
     */
    public static final String EXPECT_MEMBERSHIP = "expect_membership";

    /**
     * The field of a build that names the endpoint its {@code txn_id} was given to ({@code send}, {@code state},
     * {@code redact}); the client-server API scopes transaction ids per endpoint. Absent means {@code send}.
     */
    public static final String TXN_KIND = "txn_kind";

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
        if (room != null && room.workingHead().snapshotNid() == 0 && selfLeave(build)) {
            return rejectInvite(room, build);
        }
        if (room == null || room.workingHead().snapshotNid() == 0) {
            throw MatrixException.notFound("Unknown room " + roomId);
        }
        String sender = build.getString("sender");
        String txnId = build.getString("txn_id", null);
        String txnKind = build.getString(TXN_KIND, "send");
        if (txnId != null) {
            String sent = tables.transaction(roomId, sender, txnKind, txnId);
            if (sent != null) {
                return new InputOutcome(sent, InputOutcome.ACCEPTED, null);
            }
        }
        RoomVersion version = room.version();
        RoomContext.Head head = room.workingHead();
        requireExpectedMembership(build, head.state());
        JsonObject event = unsigned(room, build, capped(head.extremities()), head.maxDepth(), head.state(),
                Map.of());
        Pdu pdu = Pdu.signNew(version, event, identity.serverName(), identity.signingKey());
        return input(room, pdu, sender, txnKind, txnId, inTransaction);
    }

    private static boolean selfLeave(JsonObject build) {
        return "m.room.member".equals(build.getString("type"))
                && build.getString("sender").equals(build.getString("state_key", null))
                && build.get("content") instanceof JsonObject content
                && "leave".equals(content.getString("membership", null));
    }

    /**
     * A local user's rejection of an invite from another server to a room this server is not in. It would go to
     * a server in the room ({@code make_leave}/{@code send_leave}); until federation does that, the invite is
     * retired here only: a leave that follows the invite alone, signed by this server, is stored beside it
     * unchecked and becomes the user's membership. The inviting server is not told.
     */
    private InputOutcome rejectInvite(RoomContext room, JsonObject build) {
        String sender = build.getString("sender");
        List<Membership> invited = tables.memberships(room.roomId(), sender, "invite");
        StoredEvent invite = invited.isEmpty() ? null : pipelineEvent(invited.getFirst().eventId());
        if (invite == null) {
            throw MatrixException.notFound("Unknown room " + room.roomId());
        }
        RoomVersion version = room.version();
        List<String> cites = List.of(invite.eventId());
        JsonObjectBuilder event = JsonSupport.objectBuilder()
                .add("room_id", room.roomId())
                .add("sender", sender)
                .add("type", "m.room.member")
                .add("state_key", sender)
                .add("content", build.getJsonObject("content"))
                .add("prev_events", references(version, cites, Map.of()))
                .add("auth_events", references(version, cites, Map.of()))
                .add("depth", Math.min(invite.pdu().depth(), Long.MAX_VALUE - 1) + 1)
                .add("origin_server_ts", clock.millis());
        if (version.eventIdFormat() == RoomVersion.EventIdFormat.SERVER_SCOPED) {
            event.add("event_id", EventIds.newServerScopedId(identity.serverName()));
        }
        Pdu pdu = Pdu.signNew(version, event.build(), identity.serverName(), identity.signingKey());
        return pipeline.outOfBand(room, pdu);
    }

    /**
     * A local event hashed and signed ahead of its turn, on the room's position as it was then.
     *
     * @param pdu    the signed event
     * @param sender its sender
     * @param txnKind the endpoint the transaction id was given to
     * @param txnId  the client's transaction id, or null
     */
    record Prepared(Pdu pdu, String sender, String txnKind, String txnId) {
    }

    /**
     * Builds and signs, ahead of their input, the leading run of non-state events among a room's queued local
     * events: each names the one before it as its previous event, as it will when they are input one after the
     * other, and they are signed in parallel, since signing is the costliest step of a local event. A state
     * event, a repeated transaction id, or anything unusual ends the run; what is not prepared takes the ordinary
     * path, which also reports its errors.
     *
     * @param roomId the room
     * @param builds the queued local events, in order
     * @return the prepared events, as many as lead the list
     */
    List<Prepared> prepare(String roomId, List<JsonObject> builds) {
        RoomContext room = rooms.get(roomId);
        if (room == null || room.workingHead().snapshotNid() == 0) {
            return List.of();
        }
        RoomVersion version = room.version();
        RoomContext.Head head = room.workingHead();
        List<String> prev = capped(head.extremities());
        long depth = head.maxDepth();
        Set<String> txns = new HashSet<>();
        List<HashedEvent> hashed = new ArrayList<>();
        // Before version 3 an event cites the reference hash of each previous event, which for the run's own
        // events is not stored yet.
        Map<String, String> referenceHashes = new HashMap<>();
        for (JsonObject build : builds) {
            try {
                if (build.containsKey("state_key")) {
                    break;
                }
                String txnId = build.getString("txn_id", null);
                String txnKind = build.getString(TXN_KIND, "send");
                if (txnId != null && (!txns.add(build.getString("sender") + "\n" + txnKind + "\n" + txnId)
                        || tables.transaction(roomId, build.getString("sender"), txnKind, txnId) != null)) {
                    break;
                }
                HashedEvent h = HashedEvent.of(version, unsigned(room, build, prev, depth, head.state(),
                        referenceHashes));
                hashed.add(h);
                if (version.eventFormat() == RoomVersion.EventFormat.V1) {
                    referenceHashes.put(h.eventId(), UnpaddedBase64.encode(h.referenceHash()));
                }
                prev = List.of(h.eventId());
                depth = Math.min(depth + 1, Long.MAX_VALUE - 1);
            } catch (RuntimeException e) {
                break;
            }
        }
        Pdu[] pdus = new Pdu[hashed.size()];
        try {
            IntStream.range(0, pdus.length).parallel().forEach(i -> pdus[i] = hashed.get(i)
                    .sign(identity.serverName(), identity.signingKey()));
        } catch (RuntimeException e) {
            return List.of();
        }
        List<Prepared> prepared = new ArrayList<>();
        for (int i = 0; i < pdus.length; i++) {
            JsonObject build = builds.get(i);
            prepared.add(new Prepared(pdus[i], build.getString("sender"), build.getString(TXN_KIND, "send"),
                    build.getString("txn_id", null)));
        }
        return prepared;
    }

    /**
     * Inputs an event prepared ahead, if the room is still where it was built on: the run's earlier events were
     * all accepted.
     *
     * @param roomId   the room
     * @param prepared the event
     * @return the outcome, or null when the room moved otherwise and the event must be built again
     * @throws MatrixException {@code M_FORBIDDEN} when the rules refuse it
     */
    InputOutcome input(String roomId, Prepared prepared) {
        RoomContext room = rooms.get(roomId);
        if (room == null) {
            return null;
        }
        RoomContext.Head head = room.workingHead();
        Pdu pdu = prepared.pdu();
        if (!pdu.prevEventIds().equals(capped(head.extremities())) || pdu.depth() != head.maxDepth() + 1) {
            return null;
        }
        return input(room, pdu, prepared.sender(), prepared.txnKind(), prepared.txnId(), null);
    }

    private InputOutcome input(RoomContext room, Pdu pdu, String sender, String txnKind, String txnId,
                               Runnable inTransaction) {
        // The limit is on the whole event as servers exchange it, hashes, signatures and references included,
        // which only now exist; the client component's check counts the content alone.
        if (pdu.canonicalSize() > PduValidator.MAX_EVENT_BYTES) {
            throw MatrixException.tooLarge("The event would be larger than " + PduValidator.MAX_EVENT_BYTES
                    + " bytes.");
        }
        // Refuse what the rules refuse before it is stored, so that the client hears why.
        RoomContext.Head head = room.workingHead();
        String createId = head.state().get(StateKey.CREATE);
        StoredEvent create = createId == null ? null : pipelineEvent(createId);
        AuthResult allowed = room.rules().check(pdu, pipeline.authState(head.state())
                .withCreate(create == null ? null : create.pdu()));
        if (!allowed.allowed()) {
            throw MatrixException.forbidden(reasonOf(allowed));
        }
        InputOutcome outcome = pipeline.input(room.roomId(), InputKind.NEW, null, pdu.json(), null,
                new InputPipeline.Extras(true, sender, txnKind, txnId, inTransaction, pdu));
        if (!InputOutcome.ACCEPTED.equals(outcome.status())) {
            throw MatrixException.forbidden("The event was not accepted: " + outcome.reason());
        }
        return outcome;
    }

    private void requireExpectedMembership(JsonObject build, Map<StateKey, String> state) {
        if (!(build.get(EXPECT_MEMBERSHIP) instanceof JsonArray expected)) {
            return;
        }
        String target = build.getString("state_key");
        String id = state.get(new StateKey("m.room.member", target));
        StoredEvent member = id == null ? null : pipelineEvent(id);
        String membership = member == null ? "leave" : member.pdu().content().getString("membership", "leave");
        if (!expected.contains(JsonSupport.provider().createValue(membership))) {
            throw MatrixException.forbidden(membership.equals("ban") ? target + " is banned from the room"
                    : "The membership of " + target + " is " + membership + ", not " + expected);
        }
    }

    private static List<String> capped(List<String> extremities) {
        return extremities.size() > MAX_PREV_EVENTS
                ? extremities.subList(extremities.size() - MAX_PREV_EVENTS, extremities.size()) : extremities;
    }

    /**
     * The event before hashing and signing: previous events, auth events and depth from the room's position; in
     * versions 1 and 2 also the event id, which this server chooses there and which the hashes and the signature
     * then cover.
     *
     * @param referenceHashes reference hashes of events not stored yet that {@code prev} may name
     */
    private JsonObject unsigned(RoomContext room, JsonObject build, List<String> prev, long maxDepth,
                                Map<StateKey, String> state, Map<String, String> referenceHashes) {
        RoomVersion version = room.version();
        String sender = build.getString("sender");
        String type = build.getString("type");
        String stateKey = build.getString("state_key", null);
        JsonObject content = build.getJsonObject("content");
        List<String> auth = AuthEventsSelector.authEventIds(version, type, stateKey, sender, content, state);
        JsonObjectBuilder event = JsonSupport.objectBuilder()
                .add("room_id", room.roomId())
                .add("sender", sender)
                .add("type", type)
                .add("content", content)
                .add("prev_events", references(version, prev, referenceHashes))
                .add("auth_events", references(version, auth, referenceHashes))
                .add("depth", Math.min(maxDepth + 1, Long.MAX_VALUE))
                .add("origin_server_ts", clock.millis());
        if (version.eventIdFormat() == RoomVersion.EventIdFormat.SERVER_SCOPED) {
            event.add("event_id", EventIds.newServerScopedId(identity.serverName()));
        }
        if (stateKey != null) {
            event.add("state_key", stateKey);
        }
        if (build.containsKey("redacts") && !version.v11Rules()) {
            event.add("redacts", build.getString("redacts"));
        }
        return event.build();
    }

    /**
     * {@code prev_events} or {@code auth_events} as the room version writes them: the event ids from version 3,
     * before that {@code [event id, {"sha256": reference hash}]} pairs.
     */
    private JsonArrayBuilder references(RoomVersion version, List<String> ids, Map<String, String> referenceHashes) {
        if (version.eventFormat() != RoomVersion.EventFormat.V1) {
            return JsonSupport.provider().createArrayBuilder(ids);
        }
        JsonArrayBuilder pairs = JsonSupport.arrayBuilder();
        for (String id : ids) {
            String hash = referenceHashes.get(id);
            if (hash == null) {
                StoredEvent cited = pipelineEvent(id);
                if (cited == null) {
                    throw new IllegalStateException("event " + id + " of the room's state or extremities is unknown");
                }
                hash = UnpaddedBase64.encode(EventHashes.referenceHash(cited.pdu().json(), version));
            }
            pairs.add(JsonSupport.arrayBuilder().add(id).add(JsonSupport.objectBuilder().add("sha256", hash)));
        }
        return pairs;
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
        JsonObjectBuilder content = JsonSupport.objectBuilder();
        if (extra != null) {
            extra.forEach(content::add);
        }
        content.add("room_version", version.id());
        if (!version.v11Rules()) {
            content.add("creator", creator);
        }
        JsonObjectBuilder event = JsonSupport.objectBuilder()
                .add("sender", creator)
                .add("type", "m.room.create")
                .add("state_key", "")
                .add("content", content)
                .add("prev_events", JsonSupport.arrayBuilder())
                .add("auth_events", JsonSupport.arrayBuilder())
                .add("depth", 1)
                .add("origin_server_ts", clock.millis());
        if (!version.v12Rules()) {
            event.add("room_id", EventIds.newServerScopedRoomId(identity.serverName()));
        }
        if (version.eventIdFormat() == RoomVersion.EventIdFormat.SERVER_SCOPED) {
            event.add("event_id", EventIds.newServerScopedId(identity.serverName()));
        }
        return Pdu.signNew(version, event.build(), identity.serverName(), identity.signingKey());
    }
}
