package io.myelin.roomserver.perform;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import io.helidon.http.Status;
import io.myelin.api.ServerIdentity;
import io.myelin.api.http.ErrorCode;
import io.myelin.api.http.MatrixException;
import io.myelin.api.roomserver.CreateRoomRequest;
import io.myelin.api.roomserver.CreateRoomResponse;
import io.myelin.api.roomserver.InputKind;
import io.myelin.api.roomserver.InputOutcome;
import io.myelin.api.roomserver.InputRoomEvent;
import io.myelin.api.roomserver.MembershipRequest;
import io.myelin.api.roomserver.RedactRequest;
import io.myelin.api.roomserver.RoomEvent;
import io.myelin.api.roomserver.RoomRequest;
import io.myelin.api.roomserver.SendEventRequest;
import io.myelin.api.roomserver.SendEventResponse;
import io.myelin.api.roomserver.StateRequest;
import io.myelin.api.roomserver.UpgradeRoomRequest;
import io.myelin.api.roomserver.UpgradeRoomResponse;
import io.myelin.api.users.ProfileResponse;
import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.auth.PowerLevels;
import io.myelin.protocol.event.EventView;
import io.myelin.protocol.event.Pdu;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.roomserver.input.EventBuilder;
import io.myelin.roomserver.input.InputWorker;
import io.myelin.roomserver.query.Queries;
import io.myelin.roomserver.storage.RoomTables;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * Local changes to rooms: creating rooms, sending events, membership changes and redactions. Each event is
 * queued for its room's worker, which builds it from the room's state at its turn; this class waits for the
 * outcome.
 */
public final class Performer {

    private static final System.Logger LOG = System.getLogger(Performer.class.getName());

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** How many timestamps a new room's create event tries before giving up on a fresh room id. */
    private static final int CREATE_ATTEMPTS = 1000;

    private final InputWorker worker;
    private final RoomTables tables;
    private final Queries queries;
    private final ServerIdentity identity;
    private final Clock clock;
    private final RoomVersion defaultVersion;
    /** Room ids whose create event is on its way in, so that no concurrent create takes them too. */
    private final Set<String> creating = ConcurrentHashMap.newKeySet();
    /** Aliases that a room being created will take, so that neither another create nor a mapping takes them. */
    private final Set<String> reservedAliases = ConcurrentHashMap.newKeySet();

    /**
     * @param worker         the room queues
     * @param tables         the room tables, for aliases
     * @param queries        the read side, for upgrades
     * @param identity       this server
     * @param clock          the clock
     * @param defaultVersion the version of new rooms unless a request names one
     */
    public Performer(InputWorker worker, RoomTables tables, Queries queries, ServerIdentity identity, Clock clock,
                     RoomVersion defaultVersion) {
        this.worker = worker;
        this.tables = tables;
        this.queries = queries;
        this.identity = identity;
        this.clock = clock;
        this.defaultVersion = defaultVersion;
    }

    /**
     * Sends a local event.
     *
     * @param request the event
     * @return its id
     */
    public SendEventResponse send(SendEventRequest request) {
        requireLocal(request.sender());
        JsonObjectBuilder build = JsonSupport.objectBuilder()
                .add("sender", request.sender())
                .add("type", request.type())
                .add("content", request.content() == null ? JsonValue.EMPTY_JSON_OBJECT : request.content());
        if (request.stateKey() != null) {
            build.add("state_key", request.stateKey());
        }
        if (request.txnId() != null) {
            build.add("txn_id", request.txnId()).add(EventBuilder.TXN_KIND, request.stateKey() == null ? "send"
                    : "state");
        }
        return new SendEventResponse(await(worker.submitBuild(request.roomId(), build.build())).eventId());
    }

    /**
     * Changes a membership.
     *
     * @param request the change
     * @return the membership event's id
     */
    public SendEventResponse membership(MembershipRequest request) {
        String action = request.action();
        String membership = switch (action) {
            case "join" -> "join";
            case "leave", "kick", "unban" -> "leave";
            case "invite" -> "invite";
            case "ban" -> "ban";
            case "knock" -> "knock";
            default -> throw MatrixException.invalidParam("Unknown membership action " + action);
        };
        boolean self = action.equals("join") || action.equals("leave") || action.equals("knock");
        String target = self || request.target() == null ? request.sender() : request.target();
        JsonObjectBuilder content = JsonSupport.objectBuilder().add("membership", membership);
        if (request.reason() != null) {
            content.add("reason", request.reason());
        }
        if (!membership.equals("leave") && !membership.equals("ban")) {
            addProfile(content, request.displayname(), request.avatarUrl());
        }
        requireLocal(request.sender());
        JsonObjectBuilder build = JsonSupport.objectBuilder()
                .add("sender", request.sender())
                .add("type", "m.room.member")
                .add("state_key", target)
                .add("content", content);
        // The rules let a kick lift a ban and an unban remove a member, both as a leave; the endpoints each
        // promise one of those only, so the target's membership is checked at the event's turn in the room.
        List<String> expected = switch (action) {
            case "unban" -> List.of("ban");
            case "kick" -> List.of("join", "invite", "knock");
            default -> List.of();
        };
        if (!expected.isEmpty()) {
            build.add(EventBuilder.EXPECT_MEMBERSHIP, JsonSupport.provider().createArrayBuilder(expected));
        }
        return new SendEventResponse(await(worker.submitBuild(request.roomId(), build.build())).eventId());
    }

    /**
     * Redacts an event.
     *
     * @param request the redaction
     * @return the redaction's id
     */
    public SendEventResponse redact(RedactRequest request) {
        requireLocal(request.sender());
        JsonObjectBuilder content = JsonSupport.objectBuilder().add("redacts", request.eventId());
        if (request.reason() != null) {
            content.add("reason", request.reason());
        }
        JsonObjectBuilder build = JsonSupport.objectBuilder()
                .add("sender", request.sender())
                .add("type", "m.room.redaction")
                .add("content", content)
                .add("redacts", request.eventId());
        if (request.txnId() != null) {
            build.add("txn_id", request.txnId()).add(EventBuilder.TXN_KIND, "redact");
        }
        return new SendEventResponse(await(worker.submitBuild(request.roomId(), build.build())).eventId());
    }

    /**
     * Creates a room: the create event, the creator's join, power levels, the preset's rules, the initial state,
     * name and topic, then the invites, as the client-server API orders them.
     *
     * @param request the request
     * @return the room id
     */
    public CreateRoomResponse createRoom(CreateRoomRequest request) {
        RoomVersion version = request.roomVersion() == null ? defaultVersion
                : RoomVersion.of(request.roomVersion()).orElseThrow(() -> new MatrixException(
                        Status.BAD_REQUEST_400, ErrorCode.M_UNSUPPORTED_ROOM_VERSION,
                        "Unsupported room version " + request.roomVersion()));
        String creator = request.creator();
        requireLocal(creator);
        String preset = request.preset() != null ? request.preset()
                : "public".equals(request.visibility()) ? "public_chat" : "private_chat";
        if (!List.of("public_chat", "private_chat", "trusted_private_chat").contains(preset)) {
            throw MatrixException.invalidParam("Unknown preset " + preset);
        }
        boolean trusted = preset.equals("trusted_private_chat");
        requireCreatableState(creator, request.initialState());

        // The alias is checked and held before anything of the room exists, so that a taken alias leaves no room.
        if (request.roomAliasName() != null && request.roomAliasName().isBlank()) {
            throw MatrixException.invalidParam("'room_alias_name' must not be blank.");
        }
        String alias = request.roomAliasName() == null ? null
                : "#" + request.roomAliasName() + ":" + identity.serverName();
        if (alias != null && !reserveAlias(alias)) {
            throw new MatrixException(Status.BAD_REQUEST_400, ErrorCode.M_ROOM_IN_USE, "Room alias already taken");
        }
        try {
            return createRoom(request, version, creator, preset, trusted, alias);
        } finally {
            if (alias != null) {
                reservedAliases.remove(alias);
            }
        }
    }

    private CreateRoomResponse createRoom(CreateRoomRequest request, RoomVersion version, String creator,
                                          String preset, boolean trusted, String alias) {
        JsonObject creation = request.creationContent();
        if (trusted && version.v12Rules() && !request.invite().isEmpty()) {
            creation = withInviteesAsCreators(creation, request.invite());
        }
        String roomId = storeCreateEvent(version, creator, creation);

        List<CompletableFuture<InputOutcome>> sent = new ArrayList<>();
        sent.add(state(roomId, creator, "m.room.member", creator, addProfile(JsonSupport.objectBuilder()
                .add("membership", "join"), request.profiles().get(creator)).build()));
        sent.add(state(roomId, creator, "m.room.power_levels", "", powerLevels(version, creator, request, trusted)));
        if (alias != null) {
            // Held since before the create event; only another process on the same database could take it now.
            if (!tables.addAlias(alias, roomId, creator)) {
                throw new MatrixException(Status.BAD_REQUEST_400, ErrorCode.M_ROOM_IN_USE,
                        "Room alias already taken");
            }
            sent.add(state(roomId, creator, "m.room.canonical_alias", "",
                    JsonSupport.objectBuilder().add("alias", alias).build()));
        }
        sent.add(state(roomId, creator, "m.room.join_rules", "", JsonSupport.objectBuilder()
                .add("join_rule", preset.equals("public_chat") ? "public" : "invite").build()));
        sent.add(state(roomId, creator, "m.room.history_visibility", "", JsonSupport.objectBuilder()
                .add("history_visibility", "shared").build()));
        sent.add(state(roomId, creator, "m.room.guest_access", "", JsonSupport.objectBuilder()
                .add("guest_access", preset.equals("public_chat") ? "forbidden" : "can_join").build()));
        List<CompletableFuture<InputOutcome>> initialState = new ArrayList<>();
        for (JsonObject initial : request.initialState()) {
            initialState.add(state(roomId, creator, initial.getString("type"), initial.getString("state_key", ""),
                    initial.getJsonObject("content")));
        }
        sent.addAll(initialState);
        if (request.name() != null) {
            sent.add(state(roomId, creator, "m.room.name", "",
                    JsonSupport.objectBuilder().add("name", request.name()).build()));
        }
        if (request.topic() != null) {
            sent.add(state(roomId, creator, "m.room.topic", "", topic(request.topic())));
        }
        for (String invitee : request.invite()) {
            JsonObjectBuilder content = JsonSupport.objectBuilder().add("membership", "invite");
            if (request.isDirect()) {
                content.add("is_direct", true);
            }
            addProfile(content, request.profiles().get(invitee));
            sent.add(state(roomId, creator, "m.room.member", invitee, content.build()));
        }
        for (CompletableFuture<InputOutcome> f : sent) {
            try {
                await(f);
            } catch (MatrixException e) {
                if (!initialState.contains(f) || e.code() != ErrorCode.M_FORBIDDEN) {
                    throw e;
                }
                // Not yet: the room exists by now, without the refused event; only what can be judged before
                // the create event (requireCreatableState) is refused without leaving a room behind.
                throw new MatrixException(Status.BAD_REQUEST_400, ErrorCode.M_INVALID_ROOM_STATE,
                        "An initial state event was refused: " + e.getMessage());
            }
        }
        return new CreateRoomResponse(roomId, alias);
    }

    /**
     * From v12 trusted invitees become creators, since creators cannot be named in power levels: the invitees are
     * added to the {@code additional_creators} the request gave, each once. Creation content whose
     * {@code additional_creators} is not an array is left as it is, for the authorization rules to refuse.
     */
    private static JsonObject withInviteesAsCreators(JsonObject creation, List<String> invite) {
        JsonValue given = creation == null ? null : creation.get("additional_creators");
        if (given != null && !(given instanceof JsonArray)) {
            return creation;
        }
        Set<JsonValue> creators = new LinkedHashSet<>();
        if (given instanceof JsonArray listed) {
            creators.addAll(listed);
        }
        invite.forEach(userId -> creators.add(JsonSupport.provider().createValue(userId)));
        JsonArrayBuilder array = JsonSupport.provider().createArrayBuilder();
        creators.forEach(array::add);
        JsonObjectBuilder c = creation == null ? JsonSupport.objectBuilder() : JsonSupport.objectBuilder(creation);
        return c.add("additional_creators", array).build();
    }

    /**
     * Holds an alias for a room being created or a mapping being made, unless it is held or taken already.
     *
     * @return whether the caller now holds it; it must release it with {@code reservedAliases.remove}
     */
    private boolean reserveAlias(String alias) {
        if (!reservedAliases.add(alias)) {
            return false;
        }
        if (tables.alias(alias).isPresent()) {
            reservedAliases.remove(alias);
            return false;
        }
        return true;
    }

    /**
     * Maps a local alias to a room unless it is taken or a room being created is about to take it.
     *
     * @param alias   the alias
     * @param roomId  the room
     * @param creator who asked
     * @return whether this call made the mapping
     */
    public boolean createAlias(String alias, String roomId, String creator) {
        if (!reserveAlias(alias)) {
            return false;
        }
        try {
            return tables.insertAlias(alias, roomId, creator);
        } finally {
            reservedAliases.remove(alias);
        }
    }

    /**
     * Refuses, before the room exists, initial state that the authorization rules refuse whatever the room's
     * state: a second create event, and a state key naming another user on an event other than a membership.
     */
    private static void requireCreatableState(String creator, List<JsonObject> initialState) {
        for (JsonObject initial : initialState) {
            String type = initial.getString("type", "");
            String stateKey = initial.getString("state_key", "");
            boolean otherUser = stateKey.startsWith("@") && !stateKey.equals(creator)
                    && !type.equals("m.room.member");
            if (type.equals("m.room.create") || otherUser) {
                throw new MatrixException(Status.BAD_REQUEST_400, ErrorCode.M_INVALID_ROOM_STATE,
                        "The initial state event " + type + " cannot be sent by the room's creator");
            }
        }
    }

    /**
     * Stores the create event of a new room and returns the room's id. From v12 the room id is the create event's
     * reference hash, so two creates by one user with the same content in the same millisecond would name the same
     * room: the create event's {@code origin_server_ts} moves on by a millisecond until it names a room that neither
     * exists nor is being created.
     */
    private String storeCreateEvent(RoomVersion version, String creator, JsonObject creation) {
        for (int attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
            Clock at = attempt == 0 ? clock : Clock.offset(clock, Duration.ofMillis(attempt));
            Pdu create = EventBuilder.createEvent(version, creator, creation, identity, at);
            String roomId = create.roomId();
            if (!creating.add(roomId)) {
                continue;
            }
            try {
                if (queries.roomInfo(new RoomRequest(roomId)).known()) {
                    continue;
                }
                await(worker.submit(roomId, new InputRoomEvent(InputKind.NEW, version.id(), create.json(), null,
                        null), true));
                return roomId;
            } finally {
                creating.remove(roomId);
            }
        }
        throw new IllegalStateException("no unused room id after " + CREATE_ATTEMPTS + " create events");
    }

    /** State that moves to a replacement room, as the spec recommends; power levels are handled apart. */
    private static final List<String> TRANSFERABLE = List.of("m.room.server_acl", "m.room.encryption",
            "m.room.name", "m.room.avatar", "m.room.topic", "m.room.guest_access", "m.room.history_visibility",
            "m.room.join_rules");

    /**
     * Upgrades a room: checks the sender may send the tombstone, creates the replacement with a
     * {@code predecessor}, copies the transferable state, moves the local aliases and the canonical alias, sends
     * the tombstone, and raises the old room's {@code events_default} and {@code invite} levels so that ordinary
     * users stop there.
     *
     * @param request the room, the user and the version
     * @return the replacement room
     */
    public UpgradeRoomResponse upgradeRoom(UpgradeRoomRequest request) {
        requireLocal(request.sender());
        RoomVersion version = RoomVersion.of(request.newVersion()).orElseThrow(() -> new MatrixException(
                Status.BAD_REQUEST_400, ErrorCode.M_UNSUPPORTED_ROOM_VERSION,
                "Unsupported room version " + request.newVersion()));
        var old = queries.state(StateRequest.current(request.roomId()));
        if (old.roomVersion() == null) {
            throw MatrixException.notFound("Unknown room " + request.roomId());
        }
        RoomVersion oldVersion = RoomVersion.of(old.roomVersion()).orElseThrow();
        Map<String, RoomEvent> state = new HashMap<>();
        old.events().forEach(e -> state.put(e.json().getString("type") + "|" + e.json().getString("state_key"), e));
        RoomEvent create = state.get("m.room.create|");
        RoomEvent levels = state.get("m.room.power_levels|");
        PowerLevels power = PowerLevels.of(oldVersion, pdu(create), pdu(levels));
        if (power.user(request.sender()) < power.required("m.room.tombstone", true)) {
            throw MatrixException.forbidden("You may not upgrade this room");
        }

        // The replacement names its predecessor; before v12 also the old room's latest event.
        JsonObjectBuilder creation = JsonSupport.objectBuilder();
        JsonObject oldCreation = create.json().getJsonObject("content");
        if (oldCreation.containsKey("type")) {
            creation.add("type", oldCreation.get("type"));
        }
        JsonObjectBuilder predecessor = JsonSupport.objectBuilder().add("room_id", request.roomId());
        if (!version.v12Rules()) {
            List<String> latest = queries.latestEvents(new RoomRequest(request.roomId())).eventIds();
            if (!latest.isEmpty()) {
                predecessor.add("event_id", latest.getLast());
            }
        }
        creation.add("predecessor", predecessor);
        List<String> creators = version.v12Rules() ? request.additionalCreators().stream()
                .filter(u -> !u.equals(request.sender())).distinct().toList() : List.of();
        if (!creators.isEmpty()) {
            creation.add("additional_creators", JsonSupport.provider().createArrayBuilder(creators));
        }
        String roomId = storeCreateEvent(version, request.sender(), creation.build());

        List<CompletableFuture<InputOutcome>> sent = new ArrayList<>();
        sent.add(state(roomId, request.sender(), "m.room.member", request.sender(),
                JsonSupport.objectBuilder().add("membership", "join").build()));
        if (levels != null) {
            sent.add(state(roomId, request.sender(), "m.room.power_levels", "",
                    upgradedLevels(levels.json().getJsonObject("content"), request.sender(), creators, version)));
        }
        for (String type : TRANSFERABLE) {
            RoomEvent e = state.get(type + "|");
            if (e != null) {
                sent.add(state(roomId, request.sender(), type, "", e.json().getJsonObject("content")));
            }
        }
        for (CompletableFuture<InputOutcome> f : sent) {
            await(f);
        }
        moveAliases(request.roomId(), roomId, request.sender(), state.get("m.room.canonical_alias|"));

        send(new SendEventRequest(request.roomId(), request.sender(), "m.room.tombstone", "",
                JsonSupport.objectBuilder().add("body", "This room has been replaced")
                        .add("replacement_room", roomId).build(), null));
        if (levels != null) {
            JsonObject content = levels.json().getJsonObject("content");
            int floor = Math.max(50, content.getInt("users_default", 0) + 1);
            JsonObjectBuilder restricted = JsonSupport.provider().createObjectBuilder(content)
                    .add("events_default", Math.max(floor, content.getInt("events_default", 0)))
                    .add("invite", Math.max(floor, content.getInt("invite", 0)));
            send(new SendEventRequest(request.roomId(), request.sender(), "m.room.power_levels", "",
                    restricted.build(), null));
        }
        return new UpgradeRoomResponse(roomId);
    }

    /**
     * Moves the old room's local aliases to its replacement, as the client-server API's room upgrade steps say,
     * and its canonical alias with them: the replacement advertises what the old room did, less local aliases that
     * do not name the replacement now, and the old room's event stops advertising what moved. The canonical alias
     * events are sent when the rules let the upgrading user send them; the upgrade goes on without them otherwise.
     */
    private void moveAliases(String oldRoomId, String newRoomId, String sender, RoomEvent canonical) {
        Set<String> moved = Set.copyOf(tables.moveAliases(oldRoomId, newRoomId));
        if (canonical == null) {
            return;
        }
        JsonObject content = canonical.json().getJsonObject("content");
        // Aliases of other servers are carried over unresolved, as a client's canonical alias names them unchecked.
        Predicate<String> carried = a -> a.startsWith("#") && a.indexOf(':') > 0 && (moved.contains(a)
                || !a.substring(a.indexOf(':') + 1).equals(identity.serverName()));
        JsonObjectBuilder replacement = JsonSupport.objectBuilder();
        JsonObjectBuilder remaining = JsonSupport.provider().createObjectBuilder(content);
        boolean any = false;
        if (content.get("alias") instanceof JsonString alias && carried.test(alias.getString())) {
            replacement.add("alias", alias);
            remaining.remove("alias");
            any = true;
        }
        List<String> alternatives = content.get("alt_aliases") instanceof JsonArray array
                ? array.stream().filter(JsonString.class::isInstance).map(v -> ((JsonString) v).getString()).toList()
                : List.of();
        if (alternatives.stream().anyMatch(carried)) {
            replacement.add("alt_aliases", JsonSupport.provider().createArrayBuilder(alternatives.stream()
                    .filter(carried).toList()));
            remaining.add("alt_aliases", JsonSupport.provider().createArrayBuilder(alternatives.stream()
                    .filter(carried.negate()).toList()));
            any = true;
        }
        if (!any) {
            return;
        }
        sendCanonicalAlias(newRoomId, sender, replacement.build(), oldRoomId);
        sendCanonicalAlias(oldRoomId, sender, remaining.build(), oldRoomId);
    }

    private void sendCanonicalAlias(String roomId, String sender, JsonObject content, String upgradedRoomId) {
        try {
            send(new SendEventRequest(roomId, sender, "m.room.canonical_alias", "", content, null));
        } catch (MatrixException e) {
            LOG.log(System.Logger.Level.INFO, "roomserver: room_id={0} canonical alias not updated in the upgrade"
                    + " of {1}: {2}", roomId, upgradedRoomId, e.getMessage());
        }
    }

    private static EventView pdu(RoomEvent event) {
        return event == null ? null : Pdu.parse(RoomVersion.of(event.roomVersion()).orElseThrow(), event.json());
    }

    /**
     * The old power levels for the new room: the upgrading user keeps full power before v12 and, from v12 on,
     * is its creator, whom power levels may not name, as they may not name the additional creators.
     */
    private static JsonObject upgradedLevels(JsonObject old, String sender, List<String> creators,
                                             RoomVersion version) {
        JsonObjectBuilder users = JsonSupport.provider().createObjectBuilder(old.getJsonObject("users") == null
                ? JsonValue.EMPTY_JSON_OBJECT : old.getJsonObject("users"));
        if (version.v12Rules()) {
            users.remove(sender);
            creators.forEach(users::remove);
        } else {
            users.add(sender, 100);
        }
        return JsonSupport.provider().createObjectBuilder(old).add("users", users).build();
    }

    /** A member event's profile fields, as the client-server API has local joins, knocks and invites carry. */
    private static JsonObjectBuilder addProfile(JsonObjectBuilder content, ProfileResponse profile) {
        return profile == null ? content : addProfile(content, profile.displayname(), profile.avatarUrl());
    }

    private static JsonObjectBuilder addProfile(JsonObjectBuilder content, String displayname, String avatarUrl) {
        if (displayname != null) {
            content.add("displayname", displayname);
        }
        if (avatarUrl != null) {
            content.add("avatar_url", avatarUrl);
        }
        return content;
    }

    private void requireLocal(String userId) {
        if (userId == null || !userId.startsWith("@") || !userId.endsWith(":" + identity.serverName())) {
            throw MatrixException.forbidden("Only users of this server can send from it");
        }
    }

    private CompletableFuture<InputOutcome> state(String roomId, String sender, String type, String stateKey,
                                                  JsonObject content) {
        return worker.submitBuild(roomId, JsonSupport.objectBuilder()
                .add("sender", sender)
                .add("type", type)
                .add("state_key", stateKey)
                .add("content", content)
                .build());
    }

    /** A plain-text topic, both as the legacy {@code topic} and as the {@code m.topic} text block (spec v1.15). */
    private static JsonObject topic(String text) {
        return JsonSupport.objectBuilder()
                .add("topic", text)
                .add("m.topic", JsonSupport.objectBuilder().add("m.text", JsonSupport.provider().createArrayBuilder()
                        .add(JsonSupport.objectBuilder().add("body", text).add("mimetype", "text/plain"))))
                .build();
    }

    private static JsonObject powerLevels(RoomVersion version, String creator, CreateRoomRequest request,
                                          boolean trusted) {
        JsonObjectBuilder users = JsonSupport.objectBuilder();
        if (!version.v12Rules()) {
            users.add(creator, 100);
            if (trusted) {
                request.invite().forEach(u -> users.add(u, 100));
            }
        }
        JsonObjectBuilder levels = JsonSupport.objectBuilder()
                .add("users", users)
                .add("users_default", 0)
                .add("events", JsonSupport.objectBuilder()
                        .add("m.room.name", 50)
                        .add("m.room.power_levels", 100)
                        .add("m.room.history_visibility", 100)
                        .add("m.room.canonical_alias", 50)
                        .add("m.room.avatar", 50)
                        .add("m.room.tombstone", 100)
                        .add("m.room.server_acl", 100)
                        .add("m.room.encryption", 100))
                .add("events_default", 0)
                .add("state_default", 50)
                .add("ban", 50)
                .add("kick", 50)
                .add("redact", 50)
                .add("invite", 0)
                .add("notifications", JsonSupport.objectBuilder().add("room", 50));
        if (request.powerLevelContentOverride() != null) {
            request.powerLevelContentOverride().forEach(levels::add);
        }
        return levels.build();
    }

    private static InputOutcome await(CompletableFuture<InputOutcome> future) {
        try {
            InputOutcome outcome = future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (outcome != null && !InputOutcome.ACCEPTED.equals(outcome.status())) {
                throw MatrixException.forbidden("The event was not accepted: " + outcome.reason());
            }
            return outcome;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof MatrixException m) {
                throw m;
            }
            throw new IllegalStateException("room input failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("room input did not finish within " + WAIT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for room input", e);
        }
    }

    /**
     * Waits for other work of a room's turn.
     *
     * @param future the work's future
     * @param <T>    what the work returns
     * @return what it returned
     * @throws MatrixException as the work threw it
     */
    public static <T> T result(CompletableFuture<T> future) {
        try {
            return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof MatrixException m) {
                throw m;
            }
            throw new IllegalStateException("room work failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("room work did not finish within " + WAIT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for room work", e);
        }
    }

    /**
     * Waits for an input's outcome.
     *
     * @param future the outcome's future
     * @return the outcome
     */
    public static InputOutcome outcome(CompletableFuture<InputOutcome> future) {
        try {
            return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof MatrixException m) {
                throw m;
            }
            return new InputOutcome(null, InputOutcome.INVALID, String.valueOf(e.getCause().getMessage()));
        } catch (TimeoutException e) {
            throw new IllegalStateException("room input did not finish within " + WAIT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for room input", e);
        }
    }
}
