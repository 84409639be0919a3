package io.myelin.client;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.myelin.api.Routes;
import io.myelin.api.http.ErrorCode;
import io.myelin.api.http.Fields;
import io.myelin.api.http.Json;
import io.myelin.api.http.MatrixException;
import io.myelin.api.roomserver.AliasRequest;
import io.myelin.api.roomserver.AliasResponse;
import io.myelin.api.roomserver.CreateAliasRequest;
import io.myelin.api.roomserver.RoomEvent;
import io.myelin.api.roomserver.RoomRequest;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.roomserver.StateRequest;
import io.myelin.api.roomserver.StateTuple;
import io.myelin.api.users.AccessTokens;
import io.myelin.api.users.Authentication;
import io.myelin.api.users.Requester;

import io.myelin.protocol.json.JsonSupport;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;

/**
 * Room aliases (client-server API, "Room aliases" under "Room discovery"): mapping local aliases to rooms,
 * resolving and removing them, and listing a room's local aliases. Removing an alias also takes it out of the
 * room's {@code m.room.canonical_alias} ({@link CanonicalAliases}).
 *
 * <p>Only aliases of this server are known: an alias of another server is not resolved over federation and
 * answers {@code M_NOT_FOUND}.
 */
final class DirectoryRoutes {

    // The appendix limits a whole alias, sigil and server name included, to 255 bytes.
    private static final int MAX_ALIAS_BYTES = 255;

    private final AccessTokens tokens;
    private final RoomserverApi roomserver;
    private final Visibility visibility;
    private final String serverName;
    private final CanonicalAliases canonical;

    DirectoryRoutes(AccessTokens tokens, RoomserverApi roomserver, Visibility visibility, String serverName) {
        this.tokens = tokens;
        this.roomserver = roomserver;
        this.visibility = visibility;
        this.serverName = serverName;
        this.canonical = new CanonicalAliases(roomserver, this, serverName);
    }

    /** The checks and updates of {@code m.room.canonical_alias} that go with this directory. */
    CanonicalAliases canonicalAliases() {
        return canonical;
    }

    void register(Routes routes) {
        routes.clientV3(Method.PUT, "/directory/room/{roomAlias}", this::put);
        routes.clientV3(Method.GET, "/directory/room/{roomAlias}", this::get);
        routes.clientV3(Method.DELETE, "/directory/room/{roomAlias}", this::delete);
        routes.clientV3(Method.GET, "/rooms/{roomId}/aliases", this::list);
    }

    private void put(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        String alias = alias(req);
        if (!serverName.equals(serverOf(alias))) {
            throw MatrixException.invalidParam("Aliases can only be created for this server, " + serverName + ".");
        }
        String roomId = Fields.requiredString(Bodies.optional(req), "room_id", ErrorCode.M_BAD_JSON);
        if (!roomId.startsWith("!") || !roomserver.roomInfo(new RoomRequest(roomId)).known()) {
            throw MatrixException.notFound("Unknown room " + roomId + ".");
        }
        // Anyone in the room may name it; an outsider could otherwise claim names for rooms they cannot see.
        visibility.requireJoined(roomId, who.userId());
        if (!roomserver.createAlias(new CreateAliasRequest(alias, roomId, who.userId()))) {
            throw new MatrixException(Status.CONFLICT_409, ErrorCode.M_UNKNOWN,
                    "Room alias " + alias + " already exists.");
        }
        Json.ok(res, Json.empty());
    }

    private void get(ServerRequest req, ServerResponse res) {
        String alias = alias(req);
        AliasResponse found = resolve(alias);
        JsonArrayBuilder servers = JsonSupport.arrayBuilder();
        found.servers().forEach(servers::add);
        Json.ok(res, Json.object().add("room_id", found.roomId()).add("servers", servers).build());
    }

    private void delete(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        String alias = alias(req);
        AliasResponse found = resolve(alias);
        if (!who.userId().equals(found.creator()) && !mayEditCanonicalAlias(found.roomId(), who.userId())) {
            throw MatrixException.forbidden("Only the alias's creator or a user who may change the room's "
                    + "canonical alias can remove it.");
        }
        if (!roomserver.deleteAlias(new AliasRequest(alias))) {
            throw MatrixException.notFound("Room alias " + alias + " not found.");
        }
        canonical.removed(found.roomId(), alias, who.userId());
        Json.ok(res, Json.empty());
    }

    private void list(ServerRequest req, ServerResponse res) {
        Requester who = Authentication.require(req, tokens);
        String roomId = req.path().pathParameters().get("roomId");
        if (!roomId.startsWith("!") || roomId.length() < 2) {
            throw MatrixException.invalidParam("'" + roomId + "' is not a room id.");
        }
        if (!visibility.joinedOrWorldReadable(roomId, who.userId())) {
            throw MatrixException.forbidden("You are not allowed to list this room's aliases.");
        }
        JsonArrayBuilder aliases = JsonSupport.arrayBuilder();
        roomserver.roomAliases(new RoomRequest(roomId)).aliases().forEach(aliases::add);
        Json.ok(res, Json.object().add("aliases", aliases).build());
    }

    /** Resolves a local alias; unknown and remote aliases are not found. */
    AliasResponse resolve(String alias) {
        AliasResponse found = serverName.equals(serverOf(alias))
                ? roomserver.resolveAlias(new AliasRequest(alias)) : null;
        if (found == null || !found.known()) {
            throw MatrixException.notFound("Room alias " + alias + " not found.");
        }
        return found;
    }

    /** Whether the user is joined and has the power to send {@code m.room.canonical_alias}. */
    boolean mayEditCanonicalAlias(String roomId, String userId) {
        if (visibility.membership(roomId, userId).filter(m -> m.membership().equals("join")).isEmpty()) {
            return false;
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
            return true;
        }
        long needed = PowerLevels.level(levels, "state_default", 50);
        if (levels != null && levels.get("events") instanceof JsonObject events
                && events.get("m.room.canonical_alias") instanceof jakarta.json.JsonNumber n) {
            needed = n.longValue();
        }
        return PowerLevels.userLevel(levels, userId) >= needed;
    }

    private static String alias(ServerRequest req) {
        String alias = req.path().pathParameters().get("roomAlias");
        checkAlias(alias);
        return alias;
    }

    /**
     * Checks the grammar of a room alias: {@code #}, a non-empty local part without {@code :} or NUL, {@code :},
     * a non-empty server name, and at most 255 bytes in all.
     *
     * @throws MatrixException {@code M_INVALID_PARAM} when it is not a room alias
     */
    static void checkAlias(String alias) {
        int colon = alias.indexOf(':');
        boolean ok = alias.startsWith("#") && colon > 1 && colon < alias.length() - 1
                && alias.indexOf('\0') < 0 && alias.getBytes(StandardCharsets.UTF_8).length <= MAX_ALIAS_BYTES
                && serverOf(alias).chars().noneMatch(c -> Character.isWhitespace(c) || c == '/' || c == '#');
        if (!ok) {
            throw MatrixException.invalidParam("'" + alias + "' is not a valid room alias.");
        }
    }

    private static String serverOf(String alias) {
        return alias.substring(alias.indexOf(':') + 1);
    }
}
