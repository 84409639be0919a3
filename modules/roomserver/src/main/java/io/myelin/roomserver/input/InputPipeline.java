package io.myelin.roomserver.input;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.helidon.dbclient.DbExecute;
import io.myelin.api.bus.Bus;
import io.helidon.http.Status;
import io.myelin.api.http.ErrorCode;
import io.myelin.api.http.MatrixException;
import io.myelin.api.roomserver.InputKind;
import io.myelin.api.roomserver.InputOutcome;
import io.myelin.api.roomserver.OutputRoomEvent;
import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.auth.AuthResult;
import io.myelin.protocol.auth.AuthRules;
import io.myelin.protocol.auth.AuthState;
import io.myelin.protocol.auth.EventTypes;
import io.myelin.protocol.auth.StateKey;
import io.myelin.protocol.event.EventView;
import io.myelin.protocol.event.Pdu;
import io.myelin.protocol.event.PduCheck;
import io.myelin.protocol.event.PduValidator;
import io.myelin.protocol.state.EventSource;
import io.myelin.protocol.state.StateResolver;
import io.myelin.roomserver.storage.EventStore;
import io.myelin.roomserver.storage.RoomPurge;
import io.myelin.roomserver.storage.RoomTables;
import io.myelin.roomserver.storage.StateStore;
import io.myelin.roomserver.storage.StoredEvent;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/**
 * The input path every event takes, local or remote, run by the room's worker one event at a time: parse, check
 * against its auth events, work out the state before it, check against that state and the current state, then
 * store it and move the room's extremities and current state in one transaction, and publish what changed. Local
 * events queued together run one after the other inside one enclosing transaction ({@link #batch}).
 */
public final class InputPipeline {

    private static final System.Logger LOG = System.getLogger(InputPipeline.class.getName());

    private final EventStore events;
    private final StateStore states;
    private final RoomTables tables;
    private final Rooms rooms;
    private final Bus bus;
    private final InputMetrics metrics;
    private final Effects effects;

    /**
     * @param events  the events
     * @param states  the snapshots
     * @param tables  the room tables
     * @param rooms   the room contexts
     * @param bus     the bus, for outputs
     * @param metrics where counts go
     */
    public InputPipeline(EventStore events, StateStore states, RoomTables tables, Rooms rooms, Bus bus,
                         InputMetrics metrics) {
        this.events = events;
        this.states = states;
        this.tables = tables;
        this.rooms = rooms;
        this.bus = bus;
        this.metrics = metrics;
        this.effects = new Effects(events, tables, bus, this);
    }

    /**
     * Drops a room's in-memory context after a failure, so that the next event reloads it from storage.
     *
     * @param roomId the room
     */
    void forgetRoom(String roomId) {
        rooms.forget(roomId);
    }

    /** @return the room contexts */
    Rooms rooms() {
        return rooms;
    }

    /**
     * Runs several inputs of one room in one transaction (group commit): each sees what the earlier ones wrote, and
     * nothing of them is visible to anyone else, nor cached, before the commit. When it throws, nothing of it was
     * stored and the room's memory is reloaded on its next use.
     *
     * @param roomId the room
     * @param work   the inputs
     * @param <T>    what the work returns
     * @return what the work returned, once committed
     */
    <T> T batch(String roomId, java.util.function.Supplier<T> work) {
        try {
            return events.db().write(tx -> work.get());
        } catch (RuntimeException | Error e) {
            rooms.forget(roomId);
            throw e;
        } finally {
            events.unstage();
            states.unstage();
        }
    }

    /**
     * What the caller adds to one input.
     *
     * @param local          whether this server built the event just now (nothing can name it yet)
     * @param txnUserId      the local sender whose transaction id to record, or null
     * @param txnKind        the endpoint the transaction id was given to, when there is one
     * @param txnId          the transaction id, or null
     * @param inTransaction  run inside the event's transaction, last (the bus acknowledgement, so that it counts
     *                       only if the event commits); may be null
     * @param built          the event as this server just built it, so that it is not parsed again; or null
     */
    record Extras(boolean local, String txnUserId, String txnKind, String txnId, Runnable inTransaction,
                  Pdu built) {
    }

    /**
     * Handles one event of a room.
     *
     * @param roomId        the room the queue belongs to
     * @param kind          how it joins the room
     * @param versionHint   the room version when the room is new here, or null
     * @param json          the event
     * @param stateEventIds the state before it, when supplied, else null
     * @param txn           the local sender's transaction, or null
     * @return the outcome
     */
    InputOutcome input(String roomId, InputKind kind, String versionHint, JsonObject json, List<String> stateEventIds,
                       Extras txn) {
        long start = System.nanoTime();
        InputOutcome outcome;
        try {
            outcome = process(roomId, kind, versionHint, json, stateEventIds, txn);
        } catch (ProtocolException e) {
            outcome = new InputOutcome(null, InputOutcome.INVALID, e.getMessage());
        }
        metrics.input(outcome.status(), System.nanoTime() - start);
        return outcome;
    }

    private InputOutcome process(String roomId, InputKind kind, String versionHint, JsonObject json,
                                 List<String> stateEventIds, Extras txn) {
        RoomContext room = rooms.get(roomId);
        RoomVersion version = room != null ? room.version() : versionOf(versionHint, json);
        Pdu pdu;
        String overLimit = null;
        if (txn.built() != null && txn.built().roomVersion() == version) {
            pdu = txn.built();
        } else if (txn.local()) {
            pdu = Pdu.parse(version, json);
        } else {
            // An event from elsewhere gets the checks on receipt that need no keys: its format, its content hash
            // (a mismatch means the content is not what was signed: the redacted copy is kept and used) and the
            // size limits (an event over one is stored as rejected). Not here: the signatures, which need the
            // sending servers' keys; federation, which fetches those, checks them before input.
            PduCheck check = PduValidator.checkWithoutSignatures(version, json);
            if (check.outcome() == PduCheck.Outcome.DROP) {
                LOG.log(System.Logger.Level.WARNING, () -> "dropped an event for " + roomId + ": " + check.reason());
                return new InputOutcome(null, InputOutcome.INVALID, check.reason());
            }
            pdu = check.pdu();
            if (check.outcome() == PduCheck.Outcome.REDACT) {
                LOG.log(System.Logger.Level.WARNING, () -> "event " + check.pdu().eventId() + " in " + roomId
                        + ": " + check.reason());
            } else if (check.outcome() == PduCheck.Outcome.REJECT) {
                overLimit = check.reason();
            }
        }
        if (!pdu.roomId().equals(roomId)) {
            return invalid(pdu, "event belongs to room " + pdu.roomId() + ", not " + roomId);
        }

        // Replaying an input is harmless: a stored event keeps its first outcome.
        // (An event this server built just now is new: no need to look.)
        StoredEvent existing = txn.local() ? null : events.event(pdu.eventId());
        if (existing != null && !(existing.outlier() && kind != InputKind.OUTLIER)) {
            return outcomeOf(existing);
        }
        if (room == null) {
            if (!EventTypes.CREATE.equals(pdu.type()) && versionHint == null) {
                return invalid(pdu, "unknown room and no room version given");
            }
            return inNewRoom(roomId, version, kind, pdu, overLimit, stateEventIds, txn);
        }
        return check(room, kind, pdu, overLimit, existing, stateEventIds, txn);
    }

    /** Thrown to undo a new room's transaction when its first event is not kept as part of the room. */
    private static final class NotKept extends RuntimeException {
        private final InputOutcome outcome;

        NotKept(InputOutcome outcome) {
            super(outcome.reason(), null, false, false);
            this.outcome = outcome;
        }
    }

    /**
     * The first event of a room new here. The room's row is written in the event's own transaction and kept only
     * when the event is accepted (or soft-failed): an invalid or rejected first event leaves no empty room behind.
     */
    private InputOutcome inNewRoom(String roomId, RoomVersion version, InputKind kind, Pdu pdu, String overLimit,
                                   List<String> stateEventIds, Extras txn) {
        // The bus acknowledgement commits with the room, or, when the room is undone, is given by the caller.
        Extras inner = new Extras(txn.local(), txn.txnUserId(), txn.txnKind(), txn.txnId(), null, txn.built());
        try {
            return batch(roomId, () -> {
                RoomContext room = rooms.created(events.createRoom(roomId, version));
                InputOutcome outcome = check(room, kind, pdu, overLimit, null, stateEventIds, inner);
                if (!InputOutcome.ACCEPTED.equals(outcome.status())
                        && !InputOutcome.SOFT_FAILED.equals(outcome.status())) {
                    throw new NotKept(outcome);
                }
                if (txn.inTransaction() != null) {
                    txn.inTransaction().run();
                }
                return outcome;
            });
        } catch (NotKept e) {
            return e.outcome;
        }
    }

    /** Checks an event of a known room and stores it. */
    private InputOutcome check(RoomContext room, InputKind kind, Pdu pdu, String overLimit, StoredEvent existing,
                               List<String> stateEventIds, Extras txn) {
        AuthRules rules = room.rules();

        // Auth events: every one must be known, and the event must pass the rules against them.
        Map<String, StoredEvent> auth = events.events(pdu.authEventIds());
        if (auth.size() != new HashSet<>(pdu.authEventIds()).size()) {
            return invalid(pdu, "missing auth events");
        }
        EventView create = createEvent(room, pdu);
        List<EventView> authPdus = auth.values().stream().map(e -> (EventView) e.pdu()).toList();
        AuthResult result = rules.checkAgainstAuthEvents(pdu, authPdus, create, this::rejected);
        String rejection = overLimit != null ? overLimit : result.allowed() ? null : result.toString();
        if (kind == InputKind.OUTLIER) {
            return store(room, pdu, existing, kind, rejection, false, null, txn);
        }

        // The state before the event: as supplied, the state after its one previous event, or resolved.
        Before before = stateBefore(room, pdu, stateEventIds);
        if (before == null) {
            return invalid(pdu, "missing previous events");
        }
        if (rejection == null) {
            AuthResult againstState = rules.check(pdu, authState(before.state).withCreate(create));
            rejection = againstState.allowed() ? null : againstState.toString();
        }

        // Soft failure: allowed by its own history, but not by the room as it is now.
        boolean softFailed = false;
        RoomContext.Head head = room.workingHead();
        if (rejection == null && kind == InputKind.NEW && !pdu.type().equals(EventTypes.CREATE)
                && before.snapshotNid != head.snapshotNid()) {
            softFailed = !rules.check(pdu, authState(head.state()).withCreate(create)).allowed();
        }
        return store(room, pdu, existing, kind, rejection, softFailed, before, txn);
    }

    /**
     * Stores an invite another server sent for a local user, when this server has none of the room's state (the
     * room is new here, or known only through outliers): there are no auth events to check it against, so it is
     * kept as an outlier unchecked (federation checked its signatures) and made the user's membership.
     *
     * @param roomId  the room
     * @param version the room version the invite was sent for
     * @param pdu     the invite
     * @return the outcome; null when this server is in the room, where the invite arrives again with the room's
     *         other events and nothing is stored now
     * @throws MatrixException {@code M_INCOMPATIBLE_ROOM_VERSION} when the room has another version here
     */
    InputOutcome invite(String roomId, RoomVersion version, Pdu pdu) {
        return batch(roomId, () -> {
            RoomContext room = rooms.get(roomId);
            if (room == null) {
                room = rooms.created(events.createRoom(roomId, version));
            } else if (room.workingHead().snapshotNid() != 0) {
                return null;
            } else if (room.version() != version) {
                throw new MatrixException(Status.BAD_REQUEST_400, ErrorCode.M_INCOMPATIBLE_ROOM_VERSION,
                        "The room has version " + room.version().id() + " here, not " + version.id());
            }
            StoredEvent existing = events.event(pdu.eventId());
            return existing != null ? outcomeOf(existing) : outOfBand(room, pdu);
        });
    }

    /**
     * Stores a membership event of a room whose state this server does not have, as an outlier without an
     * authorization check, makes it the user's membership and announces it: {@code new_invite} for an invite,
     * {@code retire_invite} for anything else (a local rejection of such an invite). The room's extremities and
     * state stay as they are.
     *
     * @param room the room, with no state here
     * @param pdu  the membership event
     * @return the outcome, accepted
     */
    InputOutcome outOfBand(RoomContext room, Pdu pdu) {
        events.typeNid(pdu.type());
        events.stateKeyNid(pdu.stateKey());
        String eventJson = pdu.json().toString();
        String membership = pdu.content().getString("membership", EventTypes.LEAVE);
        String type = EventTypes.INVITE.equals(membership) ? OutputRoomEvent.NEW_INVITE
                : OutputRoomEvent.RETIRE_INVITE;
        long nid = write(tx -> {
            long n = events.insertEvent(tx, room.nid(), pdu, eventJson, null, true, null, false, 0, null);
            tables.setMembership(tx, room.nid(), pdu.stateKey(), membership, pdu.sender(), n);
            effects.publish(room, new OutputRoomEvent(type, room.roomId(), room.version().id(), pdu.json(),
                    List.of(), List.of(), null, pdu.stateKey(), null), eventJson);
            return n;
        });
        events.stage(new StoredEvent(nid, room.nid(), pdu.compact(eventJson), true, false, false, 0, null));
        LOG.log(System.Logger.Level.INFO, () -> "stored " + membership + " " + pdu.eventId() + " of "
                + pdu.stateKey() + " in " + room.roomId() + ", a room this server is not in");
        return new InputOutcome(pdu.eventId(), InputOutcome.ACCEPTED, null);
    }

    /**
     * Deletes a room from the roomserver, in the room's turn, and announces it with a {@code purge} record in the
     * same transaction. The room's memory and cached events and snapshots go once it committed.
     *
     * @param roomId     the room
     * @param force      whether to purge it even while local users are joined
     * @param serverName this server's name, to tell local users
     * @return how many events were deleted
     * @throws MatrixException {@code M_NOT_FOUND} for an unknown room, {@code M_UNKNOWN} (400) while local
     *         users are joined and {@code force} is not set
     */
    int purge(String roomId, boolean force, String serverName) {
        return batch(roomId, () -> {
            RoomContext room = rooms.get(roomId);
            if (room == null) {
                throw MatrixException.notFound("Unknown room " + roomId);
            }
            long joined = tables.memberships(roomId, null, EventTypes.JOIN).stream()
                    .filter(m -> m.userId().endsWith(":" + serverName)).count();
            if (joined > 0 && !force) {
                throw new MatrixException(Status.BAD_REQUEST_400, ErrorCode.M_UNKNOWN, joined
                        + " local users are still joined to the room; purge it with force to remove it anyway");
            }
            RoomPurge.Purged purged = write(tx -> {
                RoomPurge.Purged p = RoomPurge.purge(tx, room.nid(), roomId);
                effects.publish(room, new OutputRoomEvent(OutputRoomEvent.PURGE, roomId, room.version().id(),
                        JsonValue.EMPTY_JSON_OBJECT, List.of(), List.of(), null, null, null));
                return p;
            });
            events.db().afterCommit(() -> {
                purged.eventIds().forEach(events::forget);
                purged.snapshotNids().forEach(states::forget);
                rooms.forget(roomId);
            });
            LOG.log(System.Logger.Level.INFO, () -> "purged room " + roomId + ": " + purged.eventIds().size()
                    + " events" + (joined > 0 ? ", " + joined + " local users were joined" : ""));
            return purged.eventIds().size();
        });
    }

    private static RoomVersion versionOf(String hint, JsonObject json) {
        String id = hint;
        if (id == null && EventTypes.CREATE.equals(json.getString("type", null))) {
            JsonObject content = json.getJsonObject("content");
            id = content == null ? "1" : content.getString("room_version", "1");
        }
        if (id == null) {
            throw new ProtocolException("unknown room and no room version given");
        }
        String known = id;
        return RoomVersion.of(id).orElseThrow(() -> new ProtocolException("unknown room version " + known));
    }

    private EventView createEvent(RoomContext room, Pdu pdu) {
        if (pdu.type().equals(EventTypes.CREATE)) {
            return null;
        }
        String id = room.workingHead().state().get(StateKey.CREATE);
        if (id == null && room.version().v12Rules()) {
            id = AuthRules.createEventIdOf(room.roomId());
        }
        StoredEvent create = id == null ? null : events.event(id);
        return create == null ? null : create.pdu();
    }

    private boolean rejected(String eventId) {
        StoredEvent e = events.event(eventId);
        return e != null && e.rejected();
    }

    StoredEvent event(String eventId) {
        return events.event(eventId);
    }

    AuthState authState(Map<StateKey, String> state) {
        return (type, stateKey) -> {
            String id = state.get(new StateKey(type, stateKey));
            StoredEvent e = id == null ? null : events.event(id);
            return e == null ? null : e.pdu();
        };
    }

    /** The state before an event, and its snapshot when one already exists (else 0). */
    private record Before(Map<StateKey, String> state, long snapshotNid) {
    }

    private Before stateBefore(RoomContext room, Pdu pdu, List<String> supplied) {
        if (supplied != null) {
            Map<String, StoredEvent> found = events.events(supplied);
            if (found.size() != new HashSet<>(supplied).size()) {
                return null;
            }
            Map<StateKey, String> state = new HashMap<>();
            for (StoredEvent e : found.values()) {
                if (e.pdu().stateKey() != null) {
                    state.put(new StateKey(e.pdu().type(), e.pdu().stateKey()), e.eventId());
                }
            }
            metrics.statePath("supplied");
            return new Before(state, 0);
        }
        if (pdu.prevEventIds().isEmpty()) {
            metrics.statePath("empty");
            return new Before(Map.of(), 0);
        }
        Map<String, StoredEvent> prevs = events.events(pdu.prevEventIds());
        Set<Long> snapshotNids = new LinkedHashSet<>();
        for (String id : pdu.prevEventIds()) {
            StoredEvent prev = prevs.get(id);
            if (prev == null || prev.stateNid() == 0) {
                return null;
            }
            snapshotNids.add(prev.stateNid());
        }
        if (snapshotNids.size() == 1) {
            long nid = snapshotNids.iterator().next();
            metrics.statePath(nid == room.workingHead().snapshotNid() ? "current" : "single");
            return new Before(states.load(nid), nid);
        }
        metrics.statePath("resolved");
        List<Map<StateKey, String>> sets = snapshotNids.stream().map(states::load).toList();
        return new Before(resolve(room, sets, null), 0);
    }

    /**
     * Resolves states; {@code pending} is the event being input, which the sets may hold before it is stored.
     */
    private Map<StateKey, String> resolve(RoomContext room, List<Map<StateKey, String>> sets, Pdu pending) {
        EventSource source = new EventSource() {
            @Override
            public EventView event(String eventId) {
                if (pending != null && pending.eventId().equals(eventId)) {
                    return pending;
                }
                StoredEvent e = events.event(eventId);
                return e == null ? null : e.pdu();
            }

            @Override
            public boolean rejected(String eventId) {
                return InputPipeline.this.rejected(eventId);
            }
        };
        return StateResolver.resolve(room.rules(), sets, source);
    }

    private InputOutcome store(RoomContext room, Pdu pdu, StoredEvent existing, InputKind kind, String rejection,
                               boolean softFailed, Before before, Extras txn) {
        boolean outlier = kind == InputKind.OUTLIER;
        boolean accepted = rejection == null && !softFailed;
        boolean extends_ = kind == InputKind.NEW && accepted;

        // Numeric ids of the type and state key get their own transactions, before the event's.
        events.typeNid(pdu.type());
        if (pdu.stateKey() != null) {
            events.stateKeyNid(pdu.stateKey());
        }

        Map<StateKey, String> after = null;
        if (!outlier) {
            after = before.state;
            if (pdu.stateKey() != null && rejection == null) {
                after = new HashMap<>(before.state);
                after.put(new StateKey(pdu.type(), pdu.stateKey()), pdu.eventId());
            }
        }

        // Where the room goes: worked out before the write, so that no resolution runs under the write lock.
        RoomContext.Head head = room.workingHead();
        List<String> extremities = head.extremities();
        Map<StateKey, String> current = head.state();
        boolean currentIsAfter = false;
        if (extends_) {
            List<String> next = new ArrayList<>(head.extremities());
            next.removeAll(pdu.prevEventIds());
            if (txn.local() || !events.referenced(events.db().client().execute(), pdu.eventId())) {
                next.add(pdu.eventId());
            }
            extremities = List.copyOf(next);
            if (extremities.equals(List.of(pdu.eventId()))) {
                current = after;
                currentIsAfter = true;
            } else if (!extremities.equals(head.extremities())) {
                List<Map<StateKey, String>> sets = new ArrayList<>();
                for (String id : extremities) {
                    sets.add(id.equals(pdu.eventId()) ? after : states.load(events.event(id).stateNid()));
                }
                metrics.statePath("current_resolved");
                current = resolve(room, sets, pdu);
            }
        }
        Map<StateKey, String> newCurrent = current;
        List<String> newExtremities = extremities;
        // A message on top of the current state leaves it as it is; no need to compare whole maps.
        boolean unchanged = currentIsAfter && before.snapshotNid != 0 && before.snapshotNid == head.snapshotNid()
                && (pdu.stateKey() == null || rejection != null);
        boolean currentChanged = extends_ && !unchanged && !newCurrent.equals(head.state());
        final Map<StateKey, String> stateAfter = after;
        final boolean isAfter = currentIsAfter;
        List<Runnable> afterCommit = new ArrayList<>();
        // Written out once, for its row and for the output that carries it.
        String eventJson = pdu.json().toString();

        long[] result = write(tx -> {
            boolean changesState = !outlier && pdu.stateKey() != null && rejection == null;
            // The state it was authorised against, kept for queries of the state before it: a resolved or
            // supplied state gets a snapshot of its own (its blocks mostly shared with the room's others).
            Long beforeNid = outlier ? null : before.snapshotNid != 0 || before.state.isEmpty() ? before.snapshotNid
                    : states.save(tx, room.nid(), nids(before.state, pdu, 0));
            long afterNid = !outlier && !changesState ? beforeNid : 0;
            long nid = events.insertEvent(tx, room.nid(), pdu, eventJson, existing, outlier, rejection, softFailed,
                    afterNid, beforeNid);
            if (!outlier && afterNid == 0) {
                // The state after a state event holds the event itself, whose numeric id exists only now.
                afterNid = states.save(tx, room.nid(), nids(stateAfter, pdu, nid));
                events.setEventSnapshot(tx, nid, afterNid);
            }
            long currentNid = head.snapshotNid();
            if (extends_) {
                for (String prev : pdu.prevEventIds()) {
                    if (head.extremities().contains(prev)) {
                        tables.removeExtremity(tx, room.nid(), events.event(prev).nid());
                    }
                }
                if (newExtremities.contains(pdu.eventId())) {
                    tables.addExtremity(tx, room.nid(), nid);
                }
                if (currentChanged) {
                    currentNid = isAfter ? afterNid : states.save(tx, room.nid(), nids(newCurrent, pdu, nid));
                    events.setRoomSnapshot(tx, room.nid(), currentNid);
                }
            }
            if (txn.txnId() != null) {
                tables.addTransaction(tx, room.roomId(), txn.txnUserId(), txn.txnKind(), txn.txnId(), pdu.eventId());
            }
            if (accepted && !outlier) {
                effects.redactions(tx, room, pdu, stateAfter, afterCommit, txn.local());
            }
            if (extends_) {
                effects.publishNew(tx, room, pdu, eventJson, head.state(), newCurrent, currentChanged, nid,
                        txn.txnId());
            } else if (kind == InputKind.OLD && accepted) {
                effects.publish(room, new OutputRoomEvent(OutputRoomEvent.OLD_ROOM_EVENT, room.roomId(),
                        room.version().id(), pdu.json(), List.of(), List.of(), null, null, null), eventJson);
            }
            if (txn.inTransaction() != null) {
                txn.inTransaction().run();
            }
            return new long[] {nid, afterNid, currentNid, beforeNid == null ? 0 : beforeNid};
        });

        // When this write is part of a room's batch it has not committed yet: what it wrote is visible to the
        // worker at once and to everyone else after the commit.
        // Cached as text: a cached tree is some 130 objects that every young collection copies.
        events.stage(new StoredEvent(result[0], room.nid(), pdu.compact(eventJson), outlier, rejection != null,
                softFailed, result[1], existing == null ? null : existing.redactedBy()));
        afterCommit.forEach(events.db()::afterCommit);
        if (!outlier && result[1] != before.snapshotNid) {
            states.stage(result[1], stateAfter);
        }
        if (!outlier && result[3] != before.snapshotNid && result[3] != result[1]) {
            states.stage(result[3], before.state);
        }
        if (extends_) {
            long depth = Math.max(head.maxDepth(), pdu.depth());
            room.head(new RoomContext.Head(result[2], currentChanged ? Map.copyOf(newCurrent) : head.state(),
                    newExtremities, depth));
            if (currentChanged) {
                states.stage(result[2], newCurrent);
            }
            events.db().afterCommit(room::commitHead);
        }
        if (rejection != null) {
            LOG.log(System.Logger.Level.INFO, () -> "rejected event " + pdu.eventId() + " in " + room.roomId()
                    + ": " + rejection);
            return new InputOutcome(pdu.eventId(), InputOutcome.REJECTED, rejection);
        }
        if (softFailed) {
            return new InputOutcome(pdu.eventId(), InputOutcome.SOFT_FAILED, "fails against current state");
        }
        return new InputOutcome(pdu.eventId(), InputOutcome.ACCEPTED, null);
    }

    /**
     * Runs an event's write. Inside a room's batch, a refusal thrown half-way through must undo the whole batch
     * rather than be taken for an invalid event whose other rows stay, so it leaves as a storage failure.
     */
    private <T> T write(Function<DbExecute, T> work) {
        if (!insideWrite()) {
            return events.db().write(work);
        }
        return events.db().write(tx -> {
            try {
                return work.apply(tx);
            } catch (ProtocolException | MatrixException e) {
                throw new IllegalStateException("an event's write failed inside a batch", e);
            }
        });
    }

    /** Whether this thread is inside a write already: a commit hook registered outside one runs at once. */
    boolean insideWrite() {
        boolean[] ranAtOnce = {false};
        events.db().afterCommit(() -> ranAtOnce[0] = true);
        return !ranAtOnce[0];
    }

    private Map<StateKey, Long> nids(Map<StateKey, String> state, Pdu self, long selfNid) {
        Map<StateKey, Long> nids = new HashMap<>();
        for (var entry : state.entrySet()) {
            String id = entry.getValue();
            long nid = id.equals(self.eventId()) ? selfNid : events.event(id).nid();
            nids.put(entry.getKey(), nid);
        }
        return nids;
    }

    private InputOutcome invalid(Pdu pdu, String reason) {
        LOG.log(System.Logger.Level.WARNING, () -> "dropped event " + pdu.eventId() + ": " + reason);
        return new InputOutcome(pdu.eventId(), InputOutcome.INVALID, reason);
    }

    private static InputOutcome outcomeOf(StoredEvent e) {
        if (e.rejected()) {
            return new InputOutcome(e.eventId(), InputOutcome.REJECTED, "rejected earlier");
        }
        if (e.softFailed()) {
            return new InputOutcome(e.eventId(), InputOutcome.SOFT_FAILED, "soft-failed earlier");
        }
        return new InputOutcome(e.eventId(), InputOutcome.ACCEPTED, null);
    }
}
