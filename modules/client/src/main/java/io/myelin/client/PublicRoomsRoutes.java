package io.myelin.client;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.myelin.api.Routes;
import io.myelin.api.http.Fields;
import io.myelin.api.http.Json;
import io.myelin.api.http.MatrixException;
import io.myelin.api.roomserver.RoomEvent;
import io.myelin.api.roomserver.RoomRequest;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.roomserver.StateRequest;
import io.myelin.api.roomserver.StateTuple;
import io.myelin.api.storage.Database;
import io.myelin.api.users.AccessTokens;
import io.myelin.api.users.Authentication;
import io.myelin.api.users.Requester;

import io.myelin.protocol.json.JsonSupport;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * The published room directory (client-server API, "Listing rooms"): publishing a room and listing the
 * published rooms of this server.
 *
 * <p>Rooms are summarised from their current state on every listing and paged by offset, which is simple and
 * fine for a directory of modest size; the {@code server} parameter only lists this server's directory, and
 * third-party networks are not supported.
 */
final class PublicRoomsRoutes {

    private static final String INSERT =
            "INSERT INTO client_room_directory (room_id) VALUES (?) ON CONFLICT DO NOTHING";
    private static final String DELETE = "DELETE FROM client_room_directory WHERE room_id = ?";
    private static final String SELECT_ONE = "SELECT room_id FROM client_room_directory WHERE room_id = ?";
    private static final String SELECT_ALL = "SELECT room_id FROM client_room_directory ORDER BY room_id";
    private static final List<StateTuple> SUMMARY_STATE = List.of(new StateTuple("m.room.create", ""),
            new StateTuple("m.room.name", ""), new StateTuple("m.room.topic", ""),
            new StateTuple("m.room.avatar", ""), new StateTuple("m.room.canonical_alias", ""),
            new StateTuple("m.room.join_rules", ""), new StateTuple("m.room.history_visibility", ""),
            new StateTuple("m.room.guest_access", ""));
    private static final int DEFAULT_LIMIT = 100;

    private final AccessTokens tokens;
    private final RoomserverApi roomserver;
    private final DirectoryRoutes directory;
    private final Database db;
    private final String serverName;

    PublicRoomsRoutes(AccessTokens tokens, RoomserverApi roomserver, DirectoryRoutes directory, Database db,
            String serverName) {
        this.tokens = tokens;
        this.roomserver = roomserver;
        this.directory = directory;
        this.db = db;
        this.serverName = serverName;
    }

    void register(Routes routes) {
        routes.clientV3(Method.GET, "/directory/list/room/{roomId}", this::getVisibility);
        routes.clientV3(Method.PUT, "/directory/list/room/{roomId}", this::setVisibility);
        routes.clientV3(Method.GET, "/publicRooms", this::listGet);
        routes.clientV3(Method.POST, "/publicRooms", this::listPost);
    }

    /** Publishes a room, as {@code createRoom} does for {@code "visibility": "public"}. */
    void publish(String roomId) {
        db.write(tx -> tx.insert(INSERT, roomId));
    }

    /**
     * @param roomId a room
     * @return whether it is published in the directory
     */
    boolean published(String roomId) {
        return db.client().execute().get(SELECT_ONE, roomId).isPresent();
    }

    private void getVisibility(ServerRequest req, ServerResponse res) {
        String roomId = knownRoom(req);
        Json.ok(res, Json.object().add("visibility", published(roomId) ? "public" : "private").build());
    }

    private void setVisibility(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        String roomId = knownRoom(req);
        String visibility = Fields.string(Bodies.optional(req), "visibility");
        if (visibility != null && !visibility.equals("public") && !visibility.equals("private")) {
            throw MatrixException.badJson("'visibility' must be 'public' or 'private'.");
        }
        // Publishing speaks for the room, so it needs the same standing as naming it canonically.
        if (!directory.mayEditCanonicalAlias(roomId, who.userId())) {
            throw MatrixException.forbidden("You do not have the power to publish this room.");
        }
        // The spec's default is public: a body without the field publishes the room.
        if (visibility == null || visibility.equals("public")) {
            publish(roomId);
        } else {
            db.write(tx -> tx.delete(DELETE, roomId));
        }
        Json.ok(res, Json.empty());
    }

    private void listGet(ServerRequest req, ServerResponse res) {
        var query = req.query();
        Integer limit = query.first("limit").asOptional().map(PublicRoomsRoutes::number).orElse(null);
        list(res, query.first("server").asOptional().orElse(null), limit,
                query.first("since").asOptional().orElse(null), null, null);
    }

    private void listPost(ServerRequest req, ServerResponse res) {
        Authentication.require(req, tokens);
        JsonObject body = Bodies.optional(req);
        Integer limit = limit(body);
        JsonObject filter = Fields.object(body, "filter");
        String term = filter == null ? null : Fields.string(filter, "generic_search_term");
        Set<String> types = filter == null || !filter.containsKey("room_types") ? null : roomTypes(filter);
        String server = req.query().first("server").asOptional().orElse(null);
        list(res, server, limit, Fields.string(body, "since"), term, types);
    }

    /** The body's {@code limit}, or null without one; anything but a whole number is refused. */
    private static Integer limit(JsonObject body) {
        JsonValue value = body.get("limit");
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(value instanceof jakarta.json.JsonNumber n) || !n.isIntegral()) {
            throw MatrixException.badJson("'limit' must be an integer.");
        }
        try {
            return n.intValueExact();
        } catch (ArithmeticException e) {
            throw MatrixException.badJson("'limit' is out of range.");
        }
    }

    /** The filter's room types; {@code null} in the list stands for rooms without a type, kept as "". */
    private static Set<String> roomTypes(JsonObject filter) {
        Set<String> types = new HashSet<>();
        for (JsonValue value : Fields.array(filter, "room_types")) {
            switch (value.getValueType()) {
                case NULL -> types.add("");
                case STRING -> types.add(((JsonString) value).getString());
                default -> throw MatrixException.badJson("'room_types' holds strings and null.");
            }
        }
        return types;
    }

    /**
     * @param term  a search term, or null for every room
     * @param types the room types to list ("" for rooms without one), or null for every type
     */
    private void list(ServerResponse res, String server, Integer limit, String since, String term,
                      Set<String> types) {
        if (server != null && !server.equals(serverName)) {
            throw MatrixException.notFound("Only this server's room directory can be listed.");
        }
        int offset = since == null ? 0 : number(since);
        int size = limit == null || limit <= 0 ? DEFAULT_LIMIT : limit;
        List<String> roomIds = db.client().execute().query(SELECT_ALL).map(r -> r.column("room_id").getString())
                .toList();
        List<Summary> rooms = new ArrayList<>();
        for (String roomId : roomIds) {
            Summary summary = summary(roomId);
            if ((term == null || summary.matches(term)) && (types == null || types.contains(summary.type()))) {
                rooms.add(summary);
            }
        }
        rooms.sort(Comparator.comparingInt(Summary::joined).reversed().thenComparing(Summary::roomId));
        JsonArrayBuilder chunk = JsonSupport.arrayBuilder();
        int end = Math.min(rooms.size(), offset + size);
        for (int i = Math.min(offset, end); i < end; i++) {
            chunk.add(rooms.get(i).json());
        }
        JsonObjectBuilder out = Json.object().add("chunk", chunk).add("total_room_count_estimate", rooms.size());
        if (end < rooms.size()) {
            out.add("next_batch", Integer.toString(end));
        }
        if (offset > 0) {
            out.add("prev_batch", Integer.toString(Math.max(0, offset - size)));
        }
        Json.ok(res, out.build());
    }

    private Summary summary(String roomId) {
        JsonObjectBuilder json = Json.object().add("room_id", roomId);
        int joined = roomserver.joined(new RoomRequest(roomId)).users().size();
        json.add("num_joined_members", joined);
        String name = null;
        String topic = null;
        String alias = null;
        boolean worldReadable = false;
        boolean guests = false;
        String joinRule = "invite";
        String roomType = "";
        for (RoomEvent e : roomserver.state(new StateRequest(roomId, null, false, SUMMARY_STATE)).events()) {
            JsonObject content = e.json().getJsonObject("content");
            switch (e.json().getString("type", "")) {
                case "m.room.create" -> {
                    if (content.get("type") instanceof JsonString type) {
                        roomType = type.getString();
                        json.add("room_type", roomType);
                    }
                }
                case "m.room.name" -> name = content.getString("name", null);
                case "m.room.topic" -> topic = content.getString("topic", null);
                case "m.room.avatar" -> {
                    String url = content.getString("url", null);
                    if (url != null) {
                        json.add("avatar_url", url);
                    }
                }
                case "m.room.canonical_alias" -> alias = content.getString("alias", null);
                case "m.room.join_rules" -> joinRule = content.getString("join_rule", "invite");
                case "m.room.history_visibility" -> worldReadable = Visibility.WORLD_READABLE
                        .equals(content.getString("history_visibility", ""));
                case "m.room.guest_access" -> guests = "can_join".equals(content.getString("guest_access", ""));
                default -> { }
            }
        }
        if (name != null) {
            json.add("name", name);
        }
        if (topic != null) {
            json.add("topic", topic);
        }
        if (alias != null) {
            json.add("canonical_alias", alias);
        }
        json.add("join_rule", joinRule).add("world_readable", worldReadable).add("guest_can_join", guests);
        return new Summary(roomId, joined, name, topic, alias, roomType, json.build());
    }

    private String knownRoom(ServerRequest req) {
        String roomId = req.path().pathParameters().get("roomId");
        if (!roomId.startsWith("!") || !roomserver.roomInfo(new RoomRequest(roomId)).known()) {
            throw MatrixException.notFound("Unknown room " + roomId + ".");
        }
        return roomId;
    }

    private static int number(String value) {
        try {
            int n = Integer.parseInt(value);
            if (n < 0) {
                throw MatrixException.invalidParam("'" + value + "' is not a valid number here.");
            }
            return n;
        } catch (NumberFormatException e) {
            throw MatrixException.invalidParam("'" + value + "' is not a valid number here.");
        }
    }

    private record Summary(String roomId, int joined, String name, String topic, String alias, String type,
                           JsonObject json) {
        boolean matches(String term) {
            String needle = term.toLowerCase(Locale.ROOT);
            return contains(name, needle) || contains(topic, needle) || contains(alias, needle);
        }

        private static boolean contains(String haystack, String needle) {
            return haystack != null && haystack.toLowerCase(Locale.ROOT).contains(needle);
        }
    }
}
