package io.myelin.roomserver.query;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

import io.myelin.api.roomserver.AuthChainRequest;
import io.myelin.api.roomserver.AuthChainResponse;
import io.myelin.api.roomserver.EventRequest;
import io.myelin.api.roomserver.EventResponse;
import io.myelin.api.roomserver.JoinedAfterRequest;
import io.myelin.api.roomserver.JoinedResponse;
import io.myelin.api.roomserver.LatestEventsResponse;
import io.myelin.api.roomserver.MembershipsRequest;
import io.myelin.api.roomserver.MembershipsResponse;
import io.myelin.api.roomserver.RoomEvent;
import io.myelin.api.roomserver.RoomInfo;
import io.myelin.api.roomserver.RoomRequest;
import io.myelin.api.roomserver.StateEntry;
import io.myelin.api.roomserver.StateIdsResponse;
import io.myelin.api.roomserver.StateRequest;
import io.myelin.api.roomserver.StateResponse;
import io.myelin.api.roomserver.StateTuple;
import io.myelin.protocol.auth.EventTypes;
import io.myelin.protocol.auth.StateKey;
import io.myelin.protocol.event.Redaction;
import io.myelin.roomserver.input.RoomContext;
import io.myelin.roomserver.input.Rooms;
import io.myelin.roomserver.storage.EventStore;
import io.myelin.roomserver.storage.RoomTables;
import io.myelin.roomserver.storage.StateStore;
import io.myelin.roomserver.storage.StoredEvent;
import jakarta.json.JsonObject;

/**
 * The roomserver's read side. Current state comes from the room's in-memory context; everything else from the
 * caches and storage.
 */
public final class Queries {

    private final EventStore events;
    private final StateStore states;
    private final RoomTables tables;
    private final Rooms rooms;

    /**
     * @param events the events
     * @param states the snapshots
     * @param tables the room tables
     * @param rooms  the room contexts
     */
    public Queries(EventStore events, StateStore states, RoomTables tables, Rooms rooms) {
        this.events = events;
        this.states = states;
        this.tables = tables;
        this.rooms = rooms;
    }

    /**
     * @param request the event id
     * @return the event with redaction applied
     */
    public EventResponse event(EventRequest request) {
        StoredEvent e = events.event(request.eventId());
        return new EventResponse(e == null ? null : view(e));
    }

    private RoomEvent view(StoredEvent e) {
        return new RoomEvent(e.eventId(), e.pdu().roomId(), e.pdu().roomVersion().id(), json(e), e.outlier(),
                e.rejected(), e.softFailed(), e.redactedBy());
    }

    /** An event's JSON as it may be shown: redacted once a redaction of it was accepted. */
    private static JsonObject json(StoredEvent e) {
        return e.redactedBy() == null ? e.pdu().json() : Redaction.redact(e.pdu().json(), e.pdu().roomVersion());
    }

    /**
     * @param request the room, point and keys
     * @return the state events
     */
    public StateResponse state(StateRequest request) {
        RoomContext room = rooms.get(request.roomId());
        if (room == null) {
            return new StateResponse(request.roomId(), null, List.of());
        }
        Map<StateKey, String> state = stateAt(room, request);
        if (state == null) {
            return new StateResponse(request.roomId(), room.version().id(), List.of());
        }
        List<String> ids = select(state, request.keys()).stream().map(Map.Entry::getValue).toList();
        List<RoomEvent> out = new ArrayList<>();
        for (StoredEvent e : events.events(ids).values()) {
            out.add(view(e));
        }
        out.sort((a, b) -> a.eventId().compareTo(b.eventId()));
        return new StateResponse(request.roomId(), room.version().id(), out);
    }

    /**
     * @param request the room, point and keys
     * @return the state's event ids
     */
    public StateIdsResponse stateIds(StateRequest request) {
        RoomContext room = rooms.get(request.roomId());
        if (room == null) {
            return new StateIdsResponse(request.roomId(), null, false, List.of());
        }
        Map<StateKey, String> state = stateAt(room, request);
        if (state == null) {
            return new StateIdsResponse(request.roomId(), room.version().id(), false, List.of());
        }
        List<StateEntry> entries = select(state, request.keys()).stream()
                .map(e -> new StateEntry(e.getKey().type(), e.getKey().stateKey(), e.getValue()))
                .sorted(Comparator.comparing(StateEntry::type).thenComparing(StateEntry::stateKey))
                .toList();
        return new StateIdsResponse(request.roomId(), room.version().id(), true, entries);
    }

    /** The state a request names, or null when it is not known here. */
    private Map<StateKey, String> stateAt(RoomContext room, StateRequest request) {
        if (request.eventId() == null) {
            return room.head().state();
        }
        StoredEvent at = events.event(request.eventId());
        if (at == null || !at.pdu().roomId().equals(request.roomId()) || at.stateNid() == 0) {
            return null;
        }
        if (!request.before()) {
            return states.load(at.stateNid());
        }
        OptionalLong before = events.stateBeforeNid(at.eventId());
        return before.isPresent() ? states.load(before.getAsLong()) : null;
    }

    /** The entries of a state the keys ask for; a key without a state key takes every entry of its type. */
    private static List<Map.Entry<StateKey, String>> select(Map<StateKey, String> state, List<StateTuple> keys) {
        if (keys.isEmpty()) {
            return List.copyOf(state.entrySet());
        }
        Set<String> wholeTypes = new HashSet<>();
        keys.stream().filter(k -> k.stateKey() == null).forEach(k -> wholeTypes.add(k.type()));
        List<Map.Entry<StateKey, String>> out = new ArrayList<>();
        for (var entry : state.entrySet()) {
            if (wholeTypes.contains(entry.getKey().type())) {
                out.add(entry);
            }
        }
        for (StateTuple key : keys) {
            if (key.stateKey() == null || wholeTypes.contains(key.type())) {
                continue;
            }
            StateKey k = new StateKey(key.type(), key.stateKey());
            String id = state.get(k);
            if (id != null) {
                out.add(Map.entry(k, id));
            }
        }
        return out;
    }

    /**
     * @param request the filter
     * @return the memberships
     */
    public MembershipsResponse memberships(MembershipsRequest request) {
        return new MembershipsResponse(tables.memberships(request.roomId(), request.userId(), request.membership()));
    }

    /**
     * @param request the user and the event
     * @return whether the user has an accepted join in the event's room deeper than the event
     */
    public boolean joinedAfter(JoinedAfterRequest request) {
        StoredEvent event = events.event(request.eventId());
        if (event == null) {
            return false;
        }
        return events.joinedAfter(event.roomNid(), request.userId(), event.pdu().depth());
    }

    /**
     * @param request the room
     * @return its joined users and their servers
     */
    public JoinedResponse joined(RoomRequest request) {
        RoomContext room = rooms.get(request.roomId());
        if (room == null) {
            return new JoinedResponse(List.of(), List.of());
        }
        Set<String> users = new TreeSet<>();
        for (var entry : room.head().state().entrySet()) {
            if (entry.getKey().type().equals(EventTypes.MEMBER)) {
                StoredEvent e = events.event(entry.getValue());
                if (e != null && EventTypes.JOIN.equals(e.pdu().content().getString("membership", null))) {
                    users.add(entry.getKey().stateKey());
                }
            }
        }
        Set<String> servers = new TreeSet<>();
        users.forEach(u -> servers.add(u.substring(u.indexOf(':') + 1)));
        return new JoinedResponse(List.copyOf(users), List.copyOf(servers));
    }

    /**
     * @param request the room
     * @return its forward extremities
     */
    public LatestEventsResponse latestEvents(RoomRequest request) {
        RoomContext room = rooms.get(request.roomId());
        if (room == null) {
            return new LatestEventsResponse(List.of(), 0);
        }
        RoomContext.Head head = room.head();
        return new LatestEventsResponse(head.extremities(), head.maxDepth());
    }

    /**
     * @param request the events
     * @return every event reachable from them through {@code auth_events}, redacted where a redaction of it was
     *     accepted
     */
    public AuthChainResponse authChain(AuthChainRequest request) {
        Map<String, JsonObject> chain = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        for (String id : request.eventIds()) {
            StoredEvent e = events.event(id);
            if (e != null) {
                todo.addAll(e.pdu().authEventIds());
            }
        }
        while (!todo.isEmpty()) {
            String id = todo.pop();
            if (!seen.add(id)) {
                continue;
            }
            StoredEvent e = events.event(id);
            if (e != null) {
                chain.put(id, json(e));
                todo.addAll(e.pdu().authEventIds());
            }
        }
        return new AuthChainResponse(List.copyOf(chain.values()));
    }

    /**
     * @param request the room
     * @return what is known of it
     */
    public RoomInfo roomInfo(RoomRequest request) {
        RoomContext room = rooms.get(request.roomId());
        if (room == null) {
            return new RoomInfo(request.roomId(), false, null, false);
        }
        return new RoomInfo(request.roomId(), true, room.version().id(), room.head().snapshotNid() == 0);
    }
}
