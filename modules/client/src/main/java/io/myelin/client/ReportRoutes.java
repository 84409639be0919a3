package io.myelin.client;

import java.time.Clock;

import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.myelin.api.Routes;
import io.myelin.api.http.ErrorCode;
import io.myelin.api.http.Fields;
import io.myelin.api.http.Json;
import io.myelin.api.http.MatrixException;
import io.myelin.api.roomserver.EventRequest;
import io.myelin.api.roomserver.RoomEvent;
import io.myelin.api.roomserver.RoomRequest;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.storage.Database;
import io.myelin.api.users.AccessTokens;
import io.myelin.api.users.Authentication;
import io.myelin.api.users.Requester;

import jakarta.json.JsonObject;

/**
 * Reporting rooms, events and users to the server's administrators (client-server API, "Reporting content").
 * Reports are stored in {@code client_reports} and {@code client_user_reports}; nothing reads them yet but the
 * database itself.
 *
 * <p>A report of a user is accepted for any user id, known or not, as the spec allows, so that the answer does
 * not tell who has an account here.
 */
final class ReportRoutes {

    private static final String INSERT =
            "INSERT INTO client_reports (room_id, event_id, reporter, reason, received_ts) VALUES (?, ?, ?, ?, ?)";
    private static final String INSERT_USER =
            "INSERT INTO client_user_reports (user_id, reporter, reason, received_ts) VALUES (?, ?, ?, ?)";

    private final AccessTokens tokens;
    private final RoomserverApi roomserver;
    private final Visibility visibility;
    private final Database db;
    private final Clock clock;

    ReportRoutes(AccessTokens tokens, RoomserverApi roomserver, Visibility visibility, Database db, Clock clock) {
        this.tokens = tokens;
        this.roomserver = roomserver;
        this.visibility = visibility;
        this.db = db;
        this.clock = clock;
    }

    void register(Routes routes) {
        routes.clientV3(Method.POST, "/rooms/{roomId}/report/{eventId}", this::reportEvent);
        routes.clientV3(Method.POST, "/rooms/{roomId}/report", this::reportRoom);
        routes.clientV3(Method.POST, "/users/{userId}/report", this::reportUser);
    }

    private void reportEvent(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        String roomId = req.path().pathParameters().get("roomId");
        JsonObject body = Bodies.optional(req);
        String reason = Fields.string(body, "reason");
        RoomEvent event = roomserver.event(new EventRequest(req.path().pathParameters().get("eventId"))).event();
        boolean joined = visibility.membership(roomId, who.userId())
                .filter(m -> m.membership().equals("join")).isPresent();
        if (event == null || !event.roomId().equals(roomId) || !joined || !visibility.canSee(who.userId(), event)) {
            throw MatrixException.notFound("The event was not found or you are not joined to the room.");
        }
        store(roomId, event.eventId(), who.userId(), reason);
        Json.ok(res, Json.empty());
    }

    private void reportRoom(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        String roomId = req.path().pathParameters().get("roomId");
        String reason = Fields.requiredString(Bodies.optional(req), "reason", ErrorCode.M_BAD_JSON);
        if (!roomserver.roomInfo(new RoomRequest(roomId)).known()) {
            throw MatrixException.notFound("The room was not found.");
        }
        store(roomId, null, who.userId(), reason);
        Json.ok(res, Json.empty());
    }

    private void reportUser(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        String userId = Bodies.userId(Json.object().add("user_id", req.path().pathParameters().get("userId"))
                .build(), "user_id");
        String reason = Fields.requiredString(Bodies.optional(req), "reason", ErrorCode.M_BAD_JSON);
        db.write(tx -> tx.insert(INSERT_USER, userId, who.userId(), reason, clock.millis()));
        Json.ok(res, Json.empty());
    }

    private void store(String roomId, String eventId, String reporter, String reason) {
        db.write(tx -> tx.insert(INSERT, roomId, eventId, reporter, reason, clock.millis()));
    }
}
