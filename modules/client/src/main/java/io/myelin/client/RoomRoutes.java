package io.myelin.client;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.myelin.api.Routes;
import io.myelin.api.http.ErrorCode;
import io.myelin.api.http.Fields;
import io.myelin.api.http.Json;
import io.myelin.api.http.MatrixException;
import io.myelin.api.roomserver.CreateRoomRequest;
import io.myelin.api.roomserver.ForgetRequest;
import io.myelin.api.roomserver.MembershipRequest;
import io.myelin.api.roomserver.RoomRequest;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.roomserver.UpgradeRoomRequest;
import io.myelin.api.users.AccessTokens;
import io.myelin.api.users.Authentication;
import io.myelin.api.users.ProfileResponse;
import io.myelin.api.users.Requester;
import io.myelin.api.users.UserData;
import io.myelin.api.users.UserRequest;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/**
 * Creating rooms and changing memberships (client-server API, "Room creation" and "Room membership").
 *
 * <p>Joining or knocking by alias works for this server's aliases only; joins over federation and third-party
 * invites are not supported.
 */
final class RoomRoutes {

    private static final Set<String> PRESETS = Set.of("private_chat", "trusted_private_chat", "public_chat");
    /** The actions whose member event carries the target's profile. */
    private static final Set<String> PROFILED = Set.of("join", "knock", "invite");

    private final AccessTokens tokens;
    private final RoomserverApi roomserver;
    private final DirectoryRoutes directory;
    private final PublicRoomsRoutes publicRooms;
    private final UserData users;
    private final String serverName;

    RoomRoutes(AccessTokens tokens, RoomserverApi roomserver, DirectoryRoutes directory,
            PublicRoomsRoutes publicRooms, UserData users, String serverName) {
        this.users = users;
        this.serverName = serverName;
        this.directory = directory;
        this.publicRooms = publicRooms;
        this.tokens = tokens;
        this.roomserver = roomserver;
    }

    void register(Routes routes) {
        routes.clientV3(Method.POST, "/createRoom", this::createRoom);
        routes.clientV3(Method.POST, "/join/{roomIdOrAlias}", (req, res) -> joinOrKnock(req, res, "join"));
        routes.clientV3(Method.POST, "/knock/{roomIdOrAlias}", (req, res) -> joinOrKnock(req, res, "knock"));
        routes.clientV3(Method.POST, "/rooms/{roomId}/join", this::join);
        routes.clientV3(Method.POST, "/rooms/{roomId}/leave", this::leave);
        routes.clientV3(Method.POST, "/rooms/{roomId}/forget", this::forget);
        routes.clientV3(Method.POST, "/rooms/{roomId}/upgrade", this::upgrade);
        for (String action : List.of("invite", "kick", "ban", "unban")) {
            routes.clientV3(Method.POST, "/rooms/{roomId}/" + action, (req, res) -> other(req, res, action));
        }
    }

    private void createRoom(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        if (who.guest()) {
            throw new MatrixException(Status.FORBIDDEN_403, ErrorCode.M_GUEST_ACCESS_FORBIDDEN,
                    "Guests cannot create rooms.");
        }
        JsonObject body = Bodies.optional(req);
        String visibility = Fields.string(body, "visibility");
        if (visibility != null && !visibility.equals("public") && !visibility.equals("private")) {
            throw MatrixException.badJson("'visibility' must be 'public' or 'private'.");
        }
        String preset = Fields.string(body, "preset");
        if (preset != null && !PRESETS.contains(preset)) {
            throw MatrixException.badJson("Unknown preset '" + preset + "'.");
        }
        List<String> invite = new ArrayList<>();
        for (JsonValue value : Fields.array(body, "invite")) {
            if (value.getValueType() != JsonValue.ValueType.STRING) {
                throw MatrixException.badJson("'invite' must list user ids.");
            }
            invite.add(Bodies.userId(Json.object().add("user", value).build(), "user"));
        }
        // Not supported: third-party invites need an identity server (docs/decisions.md).
        if (!Fields.array(body, "invite_3pid").isEmpty()) {
            throw MatrixException.invalidParam("Third-party invites are not supported by this server.");
        }
        List<JsonObject> initialState = new ArrayList<>();
        for (JsonValue value : Fields.array(body, "initial_state")) {
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                throw MatrixException.badJson("'initial_state' must list objects.");
            }
            JsonObject event = value.asJsonObject();
            String type = Fields.requiredString(event, "type", ErrorCode.M_BAD_JSON);
            String stateKey = Fields.string(event, "state_key");
            JsonObject content = Fields.object(event, "content");
            if (content == null) {
                throw MatrixException.badJson("Each initial state event needs a 'content' object.");
            }
            StateContent.check(type, content);
            if (type.equals(CanonicalAliases.TYPE) && (stateKey == null || stateKey.isEmpty())) {
                String made = Fields.string(body, "room_alias_name");
                directory.canonicalAliases().checkNew(content, made == null || made.isBlank() ? null
                        : "#" + made + ":" + serverName);
            }
            initialState.add(Json.object().add("type", type).add("state_key", stateKey == null ? "" : stateKey)
                    .add("content", content).build());
        }
        JsonObject powerOverride = Fields.object(body, "power_level_content_override");
        if (powerOverride != null) {
            StateContent.check("m.room.power_levels", powerOverride);
        }
        String name = Fields.string(body, "name");
        String topic = Fields.string(body, "topic");
        String alias = Fields.string(body, "room_alias_name");
        // A blank local part would make no usable alias; it is refused rather than ignored.
        if (alias != null && (alias.isBlank() || alias.contains(":") || alias.contains("#"))) {
            throw MatrixException.invalidParam("'room_alias_name' must be a bare, non-blank local part.");
        }
        if (alias != null) {
            // The alias it makes obeys the grammar of any other alias: no NUL, at most 255 bytes in all.
            DirectoryRoutes.checkAlias("#" + alias + ":" + serverName);
        }
        Map<String, ProfileResponse> profiles = new HashMap<>();
        for (String userId : Stream.concat(Stream.of(who.userId()), invite.stream()).toList()) {
            ProfileResponse profile = users.profile(new UserRequest(userId));
            if (!profile.equals(ProfileResponse.EMPTY)) {
                profiles.put(userId, profile);
            }
        }
        var created = roomserver.createRoom(new CreateRoomRequest(who.userId(), preset, visibility, name, topic,
                alias, invite, initialState, powerOverride, Fields.object(body, "creation_content"),
                Fields.string(body, "room_version"), Fields.bool(body, "is_direct", false), profiles));
        if ("public".equals(visibility)) {
            publicRooms.publish(created.roomId());
        }
        Json.ok(res, Json.object().add("room_id", created.roomId()).build());
    }

    private void joinOrKnock(ServerRequest req, ServerResponse res, String action) {
        Requester who = Authentication.require(req, tokens);
        String target = req.path().pathParameters().get("roomIdOrAlias");
        JsonObject body = Bodies.optional(req);
        String roomId = resolve(target);
        change(roomId, who.userId(), who.userId(), action, Fields.string(body, "reason"));
        Json.ok(res, Json.object().add("room_id", roomId).build());
    }

    private void join(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        String roomId = roomId(req);
        JsonObject body = Bodies.optional(req);
        change(roomId, who.userId(), who.userId(), "join", Fields.string(body, "reason"));
        Json.ok(res, Json.object().add("room_id", roomId).build());
    }

    private void leave(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        String roomId = roomId(req);
        JsonObject body = Bodies.optional(req);
        change(roomId, who.userId(), who.userId(), "leave", Fields.string(body, "reason"));
        Json.ok(res, Json.empty());
    }

    private void other(ServerRequest req, ServerResponse res, String action) {
        Requester who = Authentication.require(req, tokens);
        String roomId = roomId(req);
        JsonObject body = Bodies.optional(req);
        String target = Bodies.userId(body, "user_id");
        change(roomId, who.userId(), target, action, Fields.string(body, "reason"));
        Json.ok(res, Json.empty());
    }

    private void forget(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        roomserver.forget(new ForgetRequest(roomId(req), who.userId()));
        Json.ok(res, Json.empty());
    }

    private void upgrade(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        String roomId = roomId(req);
        JsonObject body = Bodies.optional(req);
        String version = Fields.requiredString(body, "new_version", ErrorCode.M_BAD_JSON);
        List<String> creators = new ArrayList<>();
        for (JsonValue value : Fields.array(body, "additional_creators")) {
            if (value.getValueType() != JsonValue.ValueType.STRING) {
                throw MatrixException.badJson("'additional_creators' must list user ids.");
            }
            creators.add(Bodies.userId(Json.object().add("user", value).build(), "user"));
        }
        String replacement = roomserver.upgradeRoom(new UpgradeRoomRequest(roomId, who.userId(), version,
                creators)).replacementRoom();
        Json.ok(res, Json.object().add("replacement_room", replacement).build());
    }

    /**
     * Changes a membership; a join, knock or invite carries the target's global profile, so that the room shows
     * the name and avatar the user chose.
     */
    private void change(String roomId, String sender, String target, String action, String reason) {
        if (!roomserver.roomInfo(new RoomRequest(roomId)).known()) {
            throw MatrixException.notFound("Unknown room " + roomId);
        }
        ProfileResponse profile = PROFILED.contains(action) ? users.profile(new UserRequest(target))
                : ProfileResponse.EMPTY;
        roomserver.changeMembership(new MembershipRequest(roomId, sender, target, action, reason,
                profile.displayname(), profile.avatarUrl()));
    }

    private static String roomId(ServerRequest req) {
        String roomId = req.path().pathParameters().get("roomId");
        if (!roomId.startsWith("!") || roomId.length() < 2) {
            throw MatrixException.invalidParam("'" + roomId + "' is not a room id.");
        }
        return roomId;
    }

    private String resolve(String roomIdOrAlias) {
        if (roomIdOrAlias.startsWith("!")) {
            return roomIdOrAlias;
        }
        if (roomIdOrAlias.startsWith("#")) {
            DirectoryRoutes.checkAlias(roomIdOrAlias);
            return directory.resolve(roomIdOrAlias).roomId();
        }
        throw MatrixException.invalidParam("'" + roomIdOrAlias + "' is neither a room id nor an alias.");
    }
}
