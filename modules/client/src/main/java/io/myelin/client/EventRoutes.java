package io.myelin.client;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.myelin.api.Routes;
import io.myelin.api.http.Fields;
import io.myelin.api.http.Json;
import io.myelin.api.http.MatrixException;
import io.myelin.api.roomserver.EventRequest;
import io.myelin.api.roomserver.MembershipsRequest;
import io.myelin.api.roomserver.RedactRequest;
import io.myelin.api.roomserver.RoomEvent;
import io.myelin.api.roomserver.RoomRequest;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.roomserver.SendEventRequest;
import io.myelin.api.roomserver.StateRequest;
import io.myelin.api.roomserver.StateTuple;
import io.myelin.api.sync.SyncPositions;
import io.myelin.api.users.AccessTokens;
import io.myelin.api.users.Authentication;
import io.myelin.api.users.Requester;
import io.myelin.protocol.json.JsonSupport;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * Sending and reading events and state (client-server API, "Sending events to a room", "Getting events for a
 * room", "Redactions"), with history visibility applied to every read.
 *
 * <p>Transaction ids are scoped to the device and the endpoint, as the spec asks: the roomserver records them per
 * sender and per endpoint (send or redact), so the id handed to it carries the device id. The roomserver persists
 * them, which keeps retries idempotent across restarts.
 *
 * <p>{@code GET /members?at=} takes a sync or pagination token, which the sync component turns into the room's
 * newest event at that point ({@link SyncPositions}), and also an event id.
 */
final class EventRoutes {

    private static final Set<String> MEMBERSHIPS = Set.of("join", "invite", "knock", "leave", "ban");

    private final AccessTokens tokens;
    private final RoomserverApi roomserver;
    private final Visibility visibility;
    private final CanonicalAliases canonical;
    private final SyncPositions positions;

    EventRoutes(AccessTokens tokens, RoomserverApi roomserver, Visibility visibility, CanonicalAliases canonical,
                SyncPositions positions) {
        this.positions = positions;
        this.tokens = tokens;
        this.roomserver = roomserver;
        this.visibility = visibility;
        this.canonical = canonical;
    }

    void register(Routes routes) {
        routes.clientV3(Method.PUT, "/rooms/{roomId}/send/{eventType}/{txnId}", this::send);
        routes.clientV3(Method.PUT, "/rooms/{roomId}/state/{eventType}/{stateKey}", this::putState);
        // An empty state key may be given as a trailing slash or left out entirely.
        routes.clientV3(Method.PUT, "/rooms/{roomId}/state/{eventType}/", this::putState);
        routes.clientV3(Method.PUT, "/rooms/{roomId}/state/{eventType}", this::putState);
        routes.clientV3(Method.GET, "/rooms/{roomId}/state/{eventType}/{stateKey}", this::getState);
        routes.clientV3(Method.GET, "/rooms/{roomId}/state/{eventType}/", this::getState);
        routes.clientV3(Method.GET, "/rooms/{roomId}/state/{eventType}", this::getState);
        routes.clientV3(Method.GET, "/rooms/{roomId}/state", this::allState);
        routes.clientV3(Method.PUT, "/rooms/{roomId}/redact/{eventId}/{txnId}", this::redact);
        routes.clientV3(Method.GET, "/rooms/{roomId}/event/{eventId}", this::event);
        routes.clientV3(Method.GET, "/rooms/{roomId}/members", this::members);
        routes.clientV3(Method.GET, "/rooms/{roomId}/joined_members", this::joinedMembers);
        routes.clientV3(Method.GET, "/joined_rooms", this::joinedRooms);
    }

    private void send(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        var path = req.path().pathParameters();
        JsonObject content = Bodies.eventContent(req);
        Bodies.checkEventSize(content, path.get("roomId"), who.userId(), path.get("eventType"));
        String eventId = roomserver.sendEvent(new SendEventRequest(path.get("roomId"), who.userId(),
                path.get("eventType"), null, content, deviceTxn(who, path.get("txnId")))).eventId();
        Json.ok(res, Json.object().add("event_id", eventId).build());
    }

    private void putState(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        var path = req.path().pathParameters();
        String type = path.get("eventType");
        JsonObject content = Bodies.eventContent(req);
        StateContent.check(type, content);
        Bodies.checkEventSize(content, path.get("roomId"), who.userId(), type, stateKey(req));
        if (type.equals(CanonicalAliases.TYPE) && stateKey(req).isEmpty()) {
            // Members only: an outsider must not learn from the answer which aliases name the room. An unknown
            // room is not found, as for any other state event.
            if (!roomserver.roomInfo(new RoomRequest(path.get("roomId"))).known()) {
                throw MatrixException.notFound("Unknown room " + path.get("roomId"));
            }
            visibility.requireJoined(path.get("roomId"), who.userId());
            canonical.check(path.get("roomId"), content);
        }
        String eventId = roomserver.sendEvent(new SendEventRequest(path.get("roomId"), who.userId(), type,
                stateKey(req), content, null)).eventId();
        Json.ok(res, Json.object().add("event_id", eventId).build());
    }

    private void getState(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        String roomId = req.path().pathParameters().get("roomId");
        String type = req.path().pathParameters().get("eventType");
        String format = req.query().first("format").orElse("content");
        if (!format.equals("content") && !format.equals("event")) {
            throw MatrixException.invalidParam("'format' must be 'content' or 'event'.");
        }
        Optional<String> at = visibility.stateView(roomId, who.userId());
        List<RoomEvent> found = roomserver.state(new StateRequest(roomId, at.orElse(null), false,
                List.of(new StateTuple(type, stateKey(req))))).events();
        if (found.isEmpty()) {
            throw MatrixException.notFound("The room has no state with that type and key.");
        }
        RoomEvent event = found.getFirst();
        Json.ok(res, format.equals("event") ? ClientEvents.format(event) : event.json().getJsonObject("content"));
    }

    private void allState(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        String roomId = req.path().pathParameters().get("roomId");
        Optional<String> at = visibility.stateView(roomId, who.userId());
        JsonArrayBuilder out = JsonSupport.arrayBuilder();
        for (RoomEvent event : roomserver.state(new StateRequest(roomId, at.orElse(null), false, List.of())).events()) {
            out.add(ClientEvents.format(event));
        }
        Json.ok(res, out.build());
    }

    private void redact(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        var path = req.path().pathParameters();
        JsonObject body = Bodies.optional(req);
        requireRedactPower(path.get("roomId"), who.userId(), path.get("eventId"));
        String eventId = roomserver.redact(new RedactRequest(path.get("roomId"), who.userId(), path.get("eventId"),
                Fields.string(body, "reason"), deviceTxn(who, path.get("txnId")))).eventId();
        Json.ok(res, Json.object().add("event_id", eventId).build());
    }

    private void event(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        String roomId = req.path().pathParameters().get("roomId");
        RoomEvent event = roomserver.event(new EventRequest(req.path().pathParameters().get("eventId"))).event();
        if (event == null || !event.roomId().equals(roomId) || event.rejected() || event.outlier()
                || !visibility.canSee(who.userId(), event)) {
            throw MatrixException.notFound("Event not found.");
        }
        Json.ok(res, ClientEvents.format(event));
    }

    private void members(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        String roomId = req.path().pathParameters().get("roomId");
        String membership = filter(req, "membership");
        String notMembership = filter(req, "not_membership");
        Optional<String> view = visibility.stateView(roomId, who.userId());
        Optional<String> at = req.query().first("at").asOptional()
                .map(token -> token.startsWith("$") ? token
                        : positions.eventAt(new SyncPositions.EventAtRequest(roomId, token)).eventId());
        String point = view.orElse(null);
        JsonArrayBuilder chunk = JsonSupport.arrayBuilder();
        if (at.isPresent()) {
            RoomEvent event = roomserver.event(new EventRequest(at.get())).event();
            if (event == null || !event.roomId().equals(roomId) || !visibility.canSee(who.userId(), event)) {
                throw MatrixException.forbidden("You cannot read the members at that point.");
            }
            point = event.eventId();
        } else if (req.query().first("at").isPresent()) {
            // A token from before the room's first event: the room had no members there.
            Json.ok(res, Json.object().add("chunk", chunk).build());
            return;
        }
        for (RoomEvent event : roomserver.state(new StateRequest(roomId, point, false, List.of())).events()) {
            if (!"m.room.member".equals(event.json().getString("type", ""))) {
                continue;
            }
            String m = event.json().getJsonObject("content").getString("membership", "leave");
            boolean include = membership == null && notMembership == null
                    || membership != null && m.equals(membership)
                    || notMembership != null && !m.equals(notMembership);
            if (include) {
                chunk.add(ClientEvents.format(event));
            }
        }
        Json.ok(res, Json.object().add("chunk", chunk).build());
    }

    private void joinedMembers(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        String roomId = req.path().pathParameters().get("roomId");
        visibility.stateView(roomId, who.userId());
        visibility.requireJoined(roomId, who.userId());
        JsonObjectBuilder joined = Json.object();
        for (RoomEvent event : roomserver.state(StateRequest.current(roomId)).events()) {
            JsonObject content = event.json().getJsonObject("content");
            if ("m.room.member".equals(event.json().getString("type", ""))
                    && "join".equals(content.getString("membership", ""))) {
                JsonObjectBuilder profile = Json.object();
                if (content.get("displayname") instanceof jakarta.json.JsonString name) {
                    profile.add("display_name", name.getString());
                }
                if (content.get("avatar_url") instanceof jakarta.json.JsonString url) {
                    profile.add("avatar_url", url.getString());
                }
                joined.add(event.json().getString("state_key"), profile);
            }
        }
        Json.ok(res, Json.object().add("joined", joined).build());
    }

    private void joinedRooms(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        JsonArrayBuilder rooms = JsonSupport.arrayBuilder();
        roomserver.memberships(new MembershipsRequest(null, who.userId(), "join")).memberships()
                .forEach(m -> rooms.add(m.roomId()));
        Json.ok(res, Json.object().add("joined_rooms", rooms).build());
    }

    /**
     * The rules admit a redaction event from any member and leave its effect to the power levels, so a client
     * redacting someone else's event without the power would see a redaction accepted that must not apply.
     * It is refused here instead.
     */
    private void requireRedactPower(String roomId, String userId, String eventId) {
        RoomEvent target = roomserver.event(new EventRequest(eventId)).event();
        if (target == null || !target.roomId().equals(roomId)
                || userId.equals(target.json().getString("sender", ""))) {
            return;
        }
        List<RoomEvent> state = roomserver.state(new StateRequest(roomId, null, false, List.of(
                new StateTuple("m.room.create", ""), new StateTuple("m.room.power_levels", "")))).events();
        JsonObject create = null;
        JsonObject levels = null;
        for (RoomEvent e : state) {
            if ("m.room.create".equals(e.json().getString("type", ""))) {
                create = e.json();
            } else {
                levels = e.json().getJsonObject("content");
            }
        }
        if (PowerLevels.creator(create, userId, levels)) {
            return;
        }
        if (PowerLevels.userLevel(levels, userId) < PowerLevels.level(levels, "redact", 50)) {
            throw MatrixException.forbidden("You do not have the power to redact other users' events.");
        }
    }

    private static String filter(ServerRequest req, String name) {
        Optional<String> value = req.query().first(name).asOptional();
        if (value.isPresent() && !MEMBERSHIPS.contains(value.get())) {
            throw MatrixException.invalidParam("'" + name + "' must be one of " + MEMBERSHIPS + ".");
        }
        return value.orElse(null);
    }

    private static String stateKey(ServerRequest req) {
        var path = req.path().pathParameters();
        return path.contains("stateKey") ? path.get("stateKey") : "";
    }

    /** The transaction id as the roomserver records it: per sender, so the device goes into it unambiguously. */
    private static String deviceTxn(Requester who, String txnId) {
        String device = who.deviceId() == null ? "" : who.deviceId();
        return device.length() + ":" + device + ":" + txnId;
    }
}
