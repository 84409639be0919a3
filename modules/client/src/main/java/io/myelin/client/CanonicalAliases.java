package io.myelin.client;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.helidon.http.Status;
import io.myelin.api.http.ErrorCode;
import io.myelin.api.http.MatrixException;
import io.myelin.api.roomserver.AliasRequest;
import io.myelin.api.roomserver.AliasResponse;
import io.myelin.api.roomserver.RoomEvent;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.roomserver.SendEventRequest;
import io.myelin.api.roomserver.StateRequest;
import io.myelin.api.roomserver.StateTuple;

import io.myelin.protocol.json.JsonSupport;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * Keeps {@code m.room.canonical_alias} truthful (client-server API, {@code PUT /rooms/{roomId}/state}, and the
 * event's definition): a client may only advertise aliases that name the room, and removing an alias from the
 * directory also removes it from the event.
 *
 * <p>Only aliases that an update adds are checked, so that an event still naming an alias deleted since can be
 * edited, also when such an alias moves between {@code alias} and {@code alt_aliases}. An alias of another server
 * is checked for its grammar only: it is not resolved over federation.
 */
final class CanonicalAliases {

    static final String TYPE = "m.room.canonical_alias";

    private static final System.Logger LOG = System.getLogger(CanonicalAliases.class.getName());

    private final RoomserverApi roomserver;
    private final DirectoryRoutes directory;
    private final String serverName;

    CanonicalAliases(RoomserverApi roomserver, DirectoryRoutes directory, String serverName) {
        this.roomserver = roomserver;
        this.directory = directory;
        this.serverName = serverName;
    }

    /**
     * Checks the content of an {@code m.room.canonical_alias} event a client wants to send.
     *
     * @throws MatrixException {@code M_INVALID_PARAM} when an alias is not a room alias, {@code M_BAD_ALIAS} when
     *                         an added local alias does not name this room
     */
    void check(String roomId, JsonObject content) {
        String alias = alias(content);
        List<String> alternatives = alternatives(content);
        Optional<JsonObject> current = current(roomId).map(e -> e.json().getJsonObject("content"));
        // An alias the event names already, as either field, stays acceptable when it moves to the other one.
        Set<String> old = new LinkedHashSet<>(current.map(CanonicalAliases::alternativesOrEmpty).orElse(List.of()));
        current.map(CanonicalAliases::aliasOrNull).ifPresent(old::add);
        if (alias != null && !old.contains(alias)) {
            requireNamesRoom(alias, roomId);
        }
        for (String alternative : alternatives) {
            if (!old.contains(alternative)) {
                requireNamesRoom(alternative, roomId);
            }
        }
    }

    /**
     * Checks the content of an {@code m.room.canonical_alias} event in a new room's initial state, where the
     * only local alias that can name the room is the one {@code createRoom} makes.
     *
     * @param content      the event's content
     * @param createdAlias the alias {@code room_alias_name} makes, or null
     * @throws MatrixException {@code M_INVALID_PARAM} when an alias is not a room alias, {@code M_BAD_ALIAS} when
     *                         a local alias is another
     */
    void checkNew(JsonObject content, String createdAlias) {
        List<String> named = new ArrayList<>(alternatives(content));
        String alias = alias(content);
        if (alias != null) {
            named.add(alias);
        }
        for (String each : named) {
            boolean local = each.substring(each.indexOf(':') + 1).equals(serverName);
            if (local && !each.equals(createdAlias)) {
                throw new MatrixException(Status.BAD_REQUEST_400, ErrorCode.M_BAD_ALIAS,
                        "The alias '" + each + "' does not point to this room.");
            }
        }
    }

    /**
     * Takes a removed alias out of the room's {@code m.room.canonical_alias}, sent as the user who removed it
     * when they may send that event, otherwise as the room's creator when the creator is a local member who may.
     * When neither may, the event keeps naming the alias, and a log line says so.
     */
    void removed(String roomId, String alias, String remover) {
        Optional<RoomEvent> event = current(roomId);
        if (event.isEmpty()) {
            return;
        }
        JsonObject content = event.get().json().getJsonObject("content");
        boolean changed = false;
        JsonObjectBuilder updated = JsonSupport.provider().createObjectBuilder(content);
        if (alias.equals(aliasOrNull(content))) {
            updated.remove("alias");
            changed = true;
        }
        if (content.get("alt_aliases") instanceof JsonArray alternatives
                && alternatives.contains(JsonSupport.provider().createValue(alias))) {
            JsonArrayBuilder kept = JsonSupport.arrayBuilder();
            alternatives.stream().filter(v -> !(v instanceof JsonString s && s.getString().equals(alias)))
                    .forEach(kept::add);
            updated.add("alt_aliases", kept);
            changed = true;
        }
        if (!changed) {
            return;
        }
        String sender = directory.mayEditCanonicalAlias(roomId, remover) ? remover : creatorWhoMay(roomId);
        if (sender == null) {
            LOG.log(System.Logger.Level.INFO, "client: room_id={0} keeps removed alias {1} in its canonical alias:"
                    + " neither the remover nor the creator may change it", roomId, alias);
            return;
        }
        try {
            roomserver.sendEvent(new SendEventRequest(roomId, sender, TYPE, "", updated.build(), null));
        } catch (MatrixException e) {
            LOG.log(System.Logger.Level.INFO, "client: room_id={0} canonical alias not updated after removing {1}:"
                    + " {2}", roomId, alias, e.getMessage());
        }
    }

    private String creatorWhoMay(String roomId) {
        List<RoomEvent> create = roomserver.state(new StateRequest(roomId, null, false,
                List.of(new StateTuple("m.room.create", "")))).events();
        if (create.isEmpty()) {
            return null;
        }
        JsonObject json = create.getFirst().json();
        String creator = json.getJsonObject("content").getString("creator", json.getString("sender", ""));
        boolean local = creator.endsWith(":" + serverName);
        return local && directory.mayEditCanonicalAlias(roomId, creator) ? creator : null;
    }

    private void requireNamesRoom(String alias, String roomId) {
        if (!alias.substring(alias.indexOf(':') + 1).equals(serverName)) {
            return;
        }
        AliasResponse found = roomserver.resolveAlias(new AliasRequest(alias));
        if (found == null || !roomId.equals(found.roomId())) {
            throw new MatrixException(Status.BAD_REQUEST_400, ErrorCode.M_BAD_ALIAS,
                    "The alias '" + alias + "' does not point to this room.");
        }
    }

    private Optional<RoomEvent> current(String roomId) {
        return roomserver.state(new StateRequest(roomId, null, false, List.of(new StateTuple(TYPE, "")))).events()
                .stream().findFirst();
    }

    // Absent, null and empty all mean that the room has no canonical alias.
    private static String alias(JsonObject content) {
        JsonValue value = content.get("alias");
        if (value == null || value == JsonValue.NULL || value instanceof JsonString s && s.getString().isEmpty()) {
            return null;
        }
        if (!(value instanceof JsonString s)) {
            throw MatrixException.invalidParam("'alias' must be a room alias.");
        }
        DirectoryRoutes.checkAlias(s.getString());
        return s.getString();
    }

    private static List<String> alternatives(JsonObject content) {
        JsonValue value = content.get("alt_aliases");
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof JsonArray array)) {
            throw MatrixException.invalidParam("'alt_aliases' must be a list of room aliases.");
        }
        List<String> out = new ArrayList<>();
        for (JsonValue entry : array) {
            if (!(entry instanceof JsonString s)) {
                throw MatrixException.invalidParam("'alt_aliases' must be a list of room aliases.");
            }
            DirectoryRoutes.checkAlias(s.getString());
            out.add(s.getString());
        }
        return out;
    }

    private static String aliasOrNull(JsonObject content) {
        return content.get("alias") instanceof JsonString s ? s.getString() : null;
    }

    private static List<String> alternativesOrEmpty(JsonObject content) {
        if (!(content.get("alt_aliases") instanceof JsonArray array)) {
            return List.of();
        }
        return array.stream().filter(v -> v instanceof JsonString).map(v -> ((JsonString) v).getString()).toList();
    }
}
