package io.myelin.sync.edu;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.myelin.api.Routes;
import io.myelin.api.bus.Bus;
import io.myelin.api.bus.Streams;
import io.myelin.api.http.Fields;
import io.myelin.api.http.Json;
import io.myelin.api.http.MatrixException;
import io.myelin.api.roomserver.EventRequest;
import io.myelin.api.roomserver.RoomEvent;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.users.AccessTokens;
import io.myelin.api.users.Authentication;
import io.myelin.api.users.PutAccountDataRequest;
import io.myelin.api.users.Requester;
import io.myelin.api.users.UserData;
import io.myelin.sync.push.Unread;
import io.myelin.sync.stream.Memberships;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * The client endpoints of typing, receipts, read markers and presence (client-server API, "Typing
 * Notifications", "Receipts", "Fully read markers", "Presence"). Guests may use all of them.
 */
final class EduRoutes {

    private static final String FULLY_READ = "m.fully_read";
    private static final long MAX_TYPING_MS = 120_000;
    private static final long DEFAULT_TYPING_MS = 30_000;

    private final AccessTokens tokens;
    private final RoomserverApi rooms;
    private final UserData userData;
    private final Memberships memberships;
    private final Clock clock;
    private final Bus bus;
    private final Typing typing;
    private final Receipts receipts;
    private final Presence presence;

    EduRoutes(AccessTokens tokens, RoomserverApi rooms, UserData userData, Memberships memberships, Clock clock,
              Bus bus, Typing typing, Receipts receipts, Presence presence) {
        this.tokens = tokens;
        this.rooms = rooms;
        this.userData = userData;
        this.memberships = memberships;
        this.clock = clock;
        this.bus = bus;
        this.typing = typing;
        this.receipts = receipts;
        this.presence = presence;
    }

    void register(Routes routes) {
        routes.clientV3(Method.PUT, "/rooms/{roomId}/typing/{userId}", this::typing);
        routes.clientV3(Method.POST, "/rooms/{roomId}/receipt/{receiptType}/{eventId}", this::receipt);
        routes.clientV3(Method.POST, "/rooms/{roomId}/read_markers", this::readMarkers);
        routes.clientV3(Method.PUT, "/presence/{userId}/status", this::putPresence);
        routes.clientV3(Method.GET, "/presence/{userId}/status", this::getPresence);
    }

    private void typing(ServerRequest req, ServerResponse res) {
        Requester who = self(req);
        String roomId = param(req, "roomId");
        JsonObject body = Json.readObject(req);
        JsonValue typingValue = body.get("typing");
        if (typingValue != JsonValue.TRUE && typingValue != JsonValue.FALSE) {
            throw MatrixException.badJson("'typing' must be true or false.");
        }
        long timeout = DEFAULT_TYPING_MS;
        JsonValue timeoutValue = body.get("timeout");
        if (timeoutValue != null && timeoutValue != JsonValue.NULL) {
            if (!(timeoutValue instanceof JsonNumber number) || !number.isIntegral() || number.longValue() < 0) {
                throw MatrixException.badJson("'timeout' must be a non-negative integer of milliseconds.");
            }
            timeout = Math.min(number.longValue(), MAX_TYPING_MS);
        }
        requireJoined(who, roomId);
        boolean on = typingValue == JsonValue.TRUE;
        typing.set(roomId, who.userId(), on, timeout);
        JsonObject payload = Json.object().add("room_id", roomId).add("user_id", who.userId()).add("typing", on)
                .add("timeout", timeout).build();
        bus.publish(Streams.OUTPUT_TYPING_EVENT, roomId, payload.toString().getBytes(StandardCharsets.UTF_8));
        Json.ok(res, Json.empty());
    }

    private void receipt(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        String roomId = param(req, "roomId");
        String type = param(req, "receiptType");
        String eventId = param(req, "eventId");
        if (!type.equals(Receipts.READ) && !type.equals(Receipts.READ_PRIVATE) && !type.equals(FULLY_READ)) {
            throw MatrixException.invalidParam("Receipt type must be m.read, m.read.private or m.fully_read.");
        }
        JsonObject body = req.content().hasEntity() ? Json.readObject(req) : JsonValue.EMPTY_JSON_OBJECT;
        String threadId = "";
        if (body.containsKey("thread_id")) {
            if (!(body.get("thread_id") instanceof JsonString thread) || thread.getString().isEmpty()) {
                throw MatrixException.invalidParam("thread_id field must be a non-empty string");
            }
            if (type.equals(FULLY_READ)) {
                throw MatrixException.invalidParam("m.fully_read markers cannot be threaded.");
            }
            threadId = thread.getString();
        }
        requireJoined(who, roomId);
        RoomEvent event = requireEvent(roomId, eventId);
        // A thread's receipt names the thread's root or an event in it; the main timeline's, an event in no thread.
        String eventThread = Unread.threadOf(event.json());
        boolean related = threadId.equals(Receipts.MAIN) ? eventThread.equals(Unread.MAIN_TIMELINE)
                : threadId.equals(eventId) || threadId.equals(eventThread);
        if (!threadId.isEmpty() && !related) {
            throw MatrixException.invalidParam("The event is not in the thread " + threadId + ".");
        }
        if (type.equals(FULLY_READ)) {
            fullyRead(who, roomId, eventId);
        } else {
            receipts.put(new Receipts.Receipt(roomId, who.userId(), type, threadId, eventId, clock.millis()));
        }
        Json.ok(res, Json.empty());
    }

    private void readMarkers(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        String roomId = param(req, "roomId");
        JsonObject body = Json.readObject(req);
        String fullyRead = optionalEventId(body, FULLY_READ);
        String read = optionalEventId(body, Receipts.READ);
        String readPrivate = optionalEventId(body, Receipts.READ_PRIVATE);
        requireJoined(who, roomId);
        for (String eventId : new String[] {fullyRead, read, readPrivate}) {
            if (eventId != null) {
                requireEvent(roomId, eventId);
            }
        }
        if (fullyRead != null) {
            fullyRead(who, roomId, fullyRead);
        }
        long now = clock.millis();
        if (read != null) {
            receipts.put(new Receipts.Receipt(roomId, who.userId(), Receipts.READ, "", read, now));
        }
        if (readPrivate != null) {
            receipts.put(new Receipts.Receipt(roomId, who.userId(), Receipts.READ_PRIVATE, "", readPrivate, now));
        }
        Json.ok(res, Json.empty());
    }

    private void putPresence(ServerRequest req, ServerResponse res) {
        Requester who = self(req);
        JsonObject body = Json.readObject(req);
        String state = Fields.string(body, "presence");
        if (state == null || !Presence.STATES.contains(state)) {
            throw MatrixException.badJson("'presence' must be online, unavailable or offline.");
        }
        presence.put(who.userId(), state, Fields.string(body, "status_msg"));
        Json.ok(res, Json.empty());
    }

    private void getPresence(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        String userId = param(req, "userId");
        if (!userId.equals(who.userId()) && !memberships.localUsersSharingRoomsWith(userId).contains(who.userId())) {
            throw MatrixException.forbidden("You are not allowed to see their presence.");
        }
        Json.ok(res, presence.status(userId));
    }

    private void fullyRead(Requester who, String roomId, String eventId) {
        userData.putAccountData(new PutAccountDataRequest(who.userId(), roomId, FULLY_READ,
                Json.object().add("event_id", eventId).build()));
    }

    private Requester self(ServerRequest req) {
        Requester who = Authentication.require(req, tokens);
        if (!who.userId().equals(param(req, "userId"))) {
            throw MatrixException.forbidden("Cannot do this for another user.");
        }
        return who;
    }

    private void requireJoined(Requester who, String roomId) {
        if (!memberships.localJoined(roomId).contains(who.userId())) {
            throw MatrixException.forbidden("You are not joined to this room.");
        }
    }

    private RoomEvent requireEvent(String roomId, String eventId) {
        RoomEvent event = eventId.startsWith("$") ? rooms.event(new EventRequest(eventId)).event() : null;
        if (event == null || !roomId.equals(event.roomId())) {
            throw MatrixException.notFound("Event not found in this room.");
        }
        return event;
    }

    private static String optionalEventId(JsonObject body, String key) {
        JsonValue value = body.get(key);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonString text) || !text.getString().startsWith("$")) {
            throw MatrixException.badJson("'" + key + "' must be an event id.");
        }
        return text.getString();
    }

    private static String param(ServerRequest req, String name) {
        return req.path().pathParameters().get(name);
    }
}
