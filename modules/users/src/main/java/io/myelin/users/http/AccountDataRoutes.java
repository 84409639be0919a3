package io.myelin.users.http;

import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.myelin.api.Routes;
import io.myelin.api.http.ErrorCode;
import io.myelin.api.http.Json;
import io.myelin.api.http.MatrixException;
import io.myelin.api.users.Requester;
import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.id.RoomId;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.users.store.AccountDataStore;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

/**
 * Global and per-room account data, and room tags (client-server API, "Client Config", "Room Tagging").
 * Tags are stored as the room's {@code m.tag} account data, which is where clients find them in {@code /sync}.
 */
public final class AccountDataRoutes {

    private static final String TAG_TYPE = "m.tag";
    private static final int MAX_TAG = 255;

    private final AccountDataStore store;
    private final Guard guard;
    private final ClientDataEvents events;

    AccountDataRoutes(AccountDataStore store, Guard guard, ClientDataEvents events) {
        this.store = store;
        this.guard = guard;
        this.events = events;
    }

    void register(Routes routes) {
        routes.clientV3(Method.GET, "/user/{userId}/account_data/{type}", (req, res) -> get(req, res, false));
        routes.clientV3(Method.PUT, "/user/{userId}/account_data/{type}", (req, res) -> put(req, res, false));
        routes.clientV3(Method.GET, "/user/{userId}/rooms/{roomId}/account_data/{type}",
                (req, res) -> get(req, res, true));
        routes.clientV3(Method.PUT, "/user/{userId}/rooms/{roomId}/account_data/{type}",
                (req, res) -> put(req, res, true));
        routes.clientV3(Method.GET, "/user/{userId}/rooms/{roomId}/tags", this::tags);
        routes.clientV3(Method.PUT, "/user/{userId}/rooms/{roomId}/tags/{tag}", this::putTag);
        routes.clientV3(Method.DELETE, "/user/{userId}/rooms/{roomId}/tags/{tag}", this::deleteTag);
    }

    private void get(ServerRequest req, ServerResponse res, boolean inRoom) {
        Requester who = guard.self(req, res);
        String type = req.path().pathParameters().get("type");
        JsonObject content = store.get(who.userId(), inRoom ? roomId(req) : AccountDataStore.GLOBAL, type)
                .orElseThrow(() -> MatrixException.notFound("No account data of type " + type + "."));
        Json.ok(res, content);
    }

    private void put(ServerRequest req, ServerResponse res, boolean inRoom) {
        Requester who = guard.self(req, res);
        String type = req.path().pathParameters().get("type");
        // These two have their own endpoints, which keep them consistent; the spec forbids setting them here.
        if (type.equals("m.fully_read") || type.equals("m.push_rules")) {
            throw new MatrixException(Status.METHOD_NOT_ALLOWED_405, ErrorCode.M_BAD_JSON,
                    "Cannot set " + type + " through this API.");
        }
        String room = inRoom ? roomId(req) : AccountDataStore.GLOBAL;
        JsonObject content = Json.readObject(req);
        store.put(who.userId(), room, type, content);
        events.changed(who.userId(), room, type);
        Json.ok(res, Json.empty());
    }

    private void tags(ServerRequest req, ServerResponse res) {
        Requester who = guard.self(req, res);
        Json.ok(res, Json.object().add("tags", currentTags(who.userId(), roomId(req))).build());
    }

    private void putTag(ServerRequest req, ServerResponse res) {
        Requester who = guard.self(req, res);
        String room = roomId(req);
        String tag = tag(req);
        JsonObject body = Json.readObject(req);
        JsonValue order = body.get("order");
        if (order != null && order.getValueType() != JsonValue.ValueType.NUMBER) {
            throw MatrixException.badJson("'order' must be a number.");
        }
        JsonObjectBuilder tags = JsonSupport.objectBuilder(currentTags(who.userId(), room)).add(tag, body);
        saveTags(who.userId(), room, tags.build());
        Json.ok(res, Json.empty());
    }

    private void deleteTag(ServerRequest req, ServerResponse res) {
        Requester who = guard.self(req, res);
        String room = roomId(req);
        JsonObjectBuilder tags = JsonSupport.objectBuilder(currentTags(who.userId(), room))
                .remove(tag(req));
        saveTags(who.userId(), room, tags.build());
        Json.ok(res, Json.empty());
    }

    private JsonObject currentTags(String userId, String roomId) {
        return store.get(userId, roomId, TAG_TYPE)
                .map(c -> c.get("tags") instanceof JsonObject tags ? tags : JsonValue.EMPTY_JSON_OBJECT)
                .orElse(JsonValue.EMPTY_JSON_OBJECT);
    }

    private void saveTags(String userId, String roomId, JsonObject tags) {
        store.put(userId, roomId, TAG_TYPE, Json.object().add("tags", tags).build());
        events.changed(userId, roomId, TAG_TYPE);
    }

    private static String tag(ServerRequest req) {
        String tag = req.path().pathParameters().get("tag");
        if (tag.isEmpty() || tag.length() > MAX_TAG) {
            throw MatrixException.invalidParam("Tags are 1 to " + MAX_TAG + " characters.");
        }
        return tag;
    }

    private static String roomId(ServerRequest req) {
        String roomId = req.path().pathParameters().get("roomId");
        try {
            RoomId.parse(roomId);
        } catch (ProtocolException e) {
            throw MatrixException.invalidParam("Invalid room id.");
        }
        return roomId;
    }
}
